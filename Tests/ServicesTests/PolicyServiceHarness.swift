import ConnectAsKafka
import ConnectAsPostgres
import ConnectAsSchema
import Foundation
import Logging
import Synchronization
import TestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// One run of the real `policy-service` executable against the local stack, isolated from every other run: a
/// database of its own (the service always works in the schema `policy_service`, so a fresh schema needs a fresh
/// database) and a topic set of its own, passed through CONNECTAS_* like an operator would.
///
/// The test talks to it only as the platform does: state and commands in, events, replies and dead letters out,
/// plus reading its tables to see state applied.
final class PolicyServiceRun: Sendable {
    let topics: PolicyTestTopics
    let databaseName: String
    let database: PostgresPool
    let producer: KafkaProducer
    let output: PolicyTopicObserver
    private let serviceEnvironment: [String: String]
    private let replicas = Mutex<[ServiceProcess]>([])

    static let logger: Logger = {
        var logger = Logger(label: "connectas.policy.tests")
        logger.logLevel =
            StackEnvironment.optional("CONNECTAS_TEST_LOG_LEVEL").flatMap { Logger.Level(rawValue: $0) } ?? .warning
        return logger
    }()

    private init(
        topics: PolicyTestTopics, databaseName: String, database: PostgresPool, producer: KafkaProducer,
        output: PolicyTopicObserver, serviceEnvironment: [String: String]
    ) {
        self.topics = topics
        self.databaseName = databaseName
        self.database = database
        self.producer = producer
        self.output = output
        self.serviceEnvironment = serviceEnvironment
    }

    /// Starts a fresh run with one replica of the service, hands it to `body`, and tears everything down
    /// afterwards, whatever `body` did.
    static func with(_ body: (PolicyServiceRun) async throws -> Void) async throws {
        let brokers = try StackEnvironment.require("CONNECTAS_KAFKA_BROKERS").split(separator: ",").map(String.init)
        let adminURL = try StackDatabase.adminURL()

        let topics = PolicyTestTopics(prefix: StackEnvironment.uniqueName("test.policy"))
        // Topics are never deleted: after a deletion Tansu answers metadata requests in a way that crashes
        // librdkafka 2.8 (a segfault in rd_kafka_metadata_cache_find) in every client still open.
        try await KafkaAdmin.connect(configuration: KafkaAdminConfiguration(bootstrapServers: brokers), logger: logger)
            .createTopics(topics.all.map { KafkaTopicSpecification(name: $0, partitions: 3) })

        let databaseName = StackEnvironment.uniqueName("policy_test").replacingOccurrences(of: "-", with: "_")
        let server = try PostgresPool(
            configuration: PostgresConfiguration(url: adminURL, maxConnections: 1), logger: logger)
        try await StackDatabase.create(databaseName, logger: logger)
        let databaseURL = try Self.url(adminURL, database: databaseName)
        let database = try PostgresPool(
            configuration: PostgresConfiguration(url: databaseURL, maxConnections: 2), logger: logger)

        let producer = try await KafkaProducer.connect(
            configuration: KafkaProducerConfiguration(bootstrapServers: brokers, clientID: "policy-tests"),
            logger: logger)
        let output = try await PolicyTopicObserver.start(
            brokers: brokers, topics: [topics.events, topics.replies, topics.deadLetters], logger: logger)

        let run = PolicyServiceRun(
            topics: topics, databaseName: databaseName, database: database, producer: producer, output: output,
            serviceEnvironment: topics.environment.merging([
                "CONNECTAS_KAFKA_BROKERS": brokers.joined(separator: ","),
                "CONNECTAS_KAFKA_SESSION_TIMEOUT_SECONDS": "6", "CONNECTAS_LOG_LEVEL": "debug",
            ].merging(try StackDatabase.serviceEnvironment("policy-service", database: databaseName)) { $1 }
            ) { _, new in new })
        do {
            try await run.startReplica()
            try await body(run)
        } catch {
            await run.stopReplicas(printingOutput: true)
            await Self.tearDown(output, producer, database, server, databaseName)
            throw error
        }
        await run.stopReplicas(printingOutput: false)
        await Self.tearDown(output, producer, database, server, databaseName)
    }

    /// Starts one more replica of the service (same database, same topics, same consumer group) and waits until it
    /// is ready, i.e. owns partitions.
    func startReplica() async throws {
        let index = replicas.withLock { $0.count }
        let process = try await ServiceProcess.start(
            "policy-service",
            environment: serviceEnvironment.merging(
                ["CONNECTAS_INSTANCE_ID": "\(databaseName)-\(index)"]) { _, new in new })
        replicas.withLock { $0.append(process) }
    }

    private func stopReplicas(printingOutput: Bool) async {
        let processes = replicas.withLock { $0 }
        for process in processes { await process.stop() }
        for process in processes {
            if printingOutput { print("policy-service output (\(databaseName)):\n\(process.outputTail())") }
            try? FileManager.default.removeItem(at: process.logFile)
        }
    }

    private static func tearDown(
        _ output: PolicyTopicObserver, _ producer: KafkaProducer, _ database: PostgresPool, _ server: PostgresPool,
        _ databaseName: String
    ) async {
        await output.stop()
        await producer.shutdown()
        await database.close()
        _ = try? await server.query("DROP DATABASE IF EXISTS \(databaseName) WITH (FORCE)")
        await server.close()
    }

    /// The stack's URL with another database.
    static func url(_ url: String, database: String) throws -> String {
        guard var components = URLComponents(string: url) else {
            throw PolicyTestFailure("CONNECTAS_PG_ADMIN_URL is not a URL")
        }
        components.path = "/" + database
        guard let result = components.string else { throw PolicyTestFailure("cannot rewrite CONNECTAS_PG_ADMIN_URL") }
        return result
    }

    /// Polls `condition` every 100 ms until it holds, failing after `limit`.
    static func waitUntil(
        _ what: String, within limit: Duration = .seconds(30), _ condition: () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw PolicyTestFailure("timed out after \(limit) waiting until \(what)")
    }

    // MARK: - Talking to the service

    /// Publishes a payload as the platform would, in a CloudEvent keyed as the contract says.
    @discardableResult
    func publish<Payload: MessagePayload>(
        _ payload: Payload, id: String = UUID().uuidString.lowercased(), topic: String? = nil
    ) async throws -> Data {
        let bytes = try EventCodec.encode(CloudEvent(payload, source: "/platform/tests", id: id))
        try await send(bytes, key: payload.partitionKey, topic: topic ?? topics.resolve(Payload.defaultTopic))
        return bytes
    }

    func send(_ bytes: Data?, key: String?, topic: String) async throws {
        try await producer.send(topic: topic, key: key.map { Array($0.utf8) }, value: bytes.map { Array($0) })
    }

    /// Publishes the three state records and waits until the service has stored them.
    func publishState(_ org: OrgState, _ members: [MemberState], _ environments: [EnvironmentState]) async throws {
        try await publish(org)
        for member in members { try await publish(member) }
        for environment in environments { try await publish(environment) }
        try await Self.waitUntil("the state records are stored") {
            var stored =
                try await self.count(
                    "SELECT count(*) FROM policy_service.orgs WHERE org_id = $1", org.orgId) == 1
            for member in members {
                let count = try await self.count(
                    "SELECT count(*) FROM policy_service.members WHERE member_key = $1 AND role = $2",
                    member.partitionKey, member.role.rawValue)
                stored = stored && count == 1
            }
            for environment in environments {
                let count = try await self.count(
                    "SELECT count(*) FROM policy_service.environments WHERE environment_id = $1 AND status = $2",
                    environment.environmentId, environment.status.rawValue)
                stored = stored && count == 1
            }
            return stored
        }
    }

    func count(_ sql: String, _ parameters: any PostgresEncodable...) async throws -> Int {
        do {
            return try await database.query(sql, parameters: parameters).scalar(as: Int.self)
        } catch let error as PostgresError where error.sqlState == .undefinedTable {
            return 0  // the service has not migrated yet
        }
    }

    /// The decision (the one event on the events topic correlated with the request), once it is there.
    func decision(for requestId: String, within limit: Duration = .seconds(30)) async throws -> DecodedEvent {
        try await output.first(within: limit, "the decision of \(requestId)") {
            $0.topic == self.topics.events && $0.event?.attributes.correlationId == requestId
        }.event!
    }

    func reply(for requestId: String, within limit: Duration = .seconds(30)) async throws -> PolicyObservedRecord {
        try await output.first(within: limit, "the reply to \(requestId)") {
            $0.topic == self.topics.replies && $0.key == requestId
        }
    }
}

/// A topic set of its own for one run, and the environment variables that point the service at it.
struct PolicyTestTopics: Sendable {
    let commands, events, replies, deadLetters, orgs, members, environments: String
    /// The run's replicas share it; no other run does, so a member that died mid-join cannot hold up the next run.
    let groupID: String

    init(prefix: String) {
        groupID = "\(prefix).policy-service"
        commands = "\(prefix).commands"
        events = "\(prefix).events"
        replies = "\(prefix).replies"
        deadLetters = "\(prefix).dlq"
        orgs = "\(prefix).orgs"
        members = "\(prefix).members"
        environments = "\(prefix).environments"
    }

    var all: [String] { [commands, events, replies, deadLetters, orgs, members, environments] }

    var environment: [String: String] {
        [
            "CONNECTAS_TOPICS_COMMANDS": commands, "CONNECTAS_TOPICS_EVENTS": events,
            "CONNECTAS_TOPICS_REPLIES": replies, "CONNECTAS_TOPICS_DEAD_LETTERS": deadLetters,
            "CONNECTAS_TOPICS_ORGS": orgs, "CONNECTAS_TOPICS_MEMBERS": members,
            "CONNECTAS_TOPICS_ENVIRONMENTS": environments, "CONNECTAS_KAFKA_GROUP_ID": groupID,
        ]
    }

    func resolve(_ defaultTopic: String) -> String {
        switch defaultTopic {
        case DefaultTopic.commands: commands
        case DefaultTopic.events: events
        case DefaultTopic.replies: replies
        case DefaultTopic.deadLetters: deadLetters
        case DefaultTopic.orgs: orgs
        case DefaultTopic.members: members
        case DefaultTopic.environments: environments
        default: defaultTopic
        }
    }
}

struct PolicyTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
