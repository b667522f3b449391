import ConnectAsKafka
import ConnectAsOdoo
import ConnectAsPostgres
import ConnectAsSSH
import ConnectAsSchema
import Foundation
import Logging
import Synchronization
import TestSupport

/// Everything one injector test runs against: fresh topics, a database of its own, a key store, a seeded stand-in
/// database, the `session-injector` process, and an observer of what it publishes.
final class InjectorTestStack: Sendable {
    let injector: ServiceProcess
    let standIn: InjectorStandIn
    let topics: (events: String, replies: String, deadLetters: String)
    let producer: KafkaProducer
    let observed: InjectorObserver
    let database: PostgresPool
    let ssh: SSHConnectionPool
    let shell: OdooShell

    static let logger: Logger = {
        var logger = Logger(label: "connectas.injector.tests")
        logger.logLevel =
            StackEnvironment.optional("CONNECTAS_TEST_LOG_LEVEL").flatMap { Logger.Level(rawValue: $0) } ?? .warning
        return logger
    }()

    private init(
        injector: ServiceProcess, standIn: InjectorStandIn, topics: (String, String, String), producer: KafkaProducer,
        observed: InjectorObserver, database: PostgresPool, ssh: SSHConnectionPool, shell: OdooShell
    ) {
        self.injector = injector
        self.standIn = standIn
        self.topics = topics
        self.producer = producer
        self.observed = observed
        self.database = database
        self.ssh = ssh
        self.shell = shell
    }

    /// The link's domain: the injector's own port, so the test's browser reaches the redeem route through it.
    var domain: String { "127.0.0.1:\(injector.httpPort)" }

    /// Runs `body` against a stack of its own and tears it all down afterwards.
    static func run(
        settings: [String: String] = [:], _ body: (InjectorTestStack) async throws -> Void
    ) async throws {
        let brokers = try StackEnvironment.require("CONNECTAS_KAFKA_BROKERS")
        let postgresURL = try StackDatabase.adminURL()
        let keyFile = try StackEnvironment.require("CONNECTAS_SSH_KEY_ED25519")
        let odooURL = try StackEnvironment.require("CONNECTAS_ODOO_URL")
        let brokerList = brokers.split(separator: ",").map(String.init)

        let suffix = UUID().uuidString.prefix(8).lowercased()
        let topics = (
            "test.injector.\(suffix).events", "test.injector.\(suffix).replies", "test.injector.\(suffix).dlq"
        )
        let admin = try await KafkaAdmin.connect(
            configuration: KafkaAdminConfiguration(bootstrapServers: brokerList), logger: logger)
        for topic in [topics.0, topics.1, topics.2] { try await admin.createTopic(topic, partitions: 3) }

        // Topics are left behind (Tansu keeps them in memory): deleting them while this process's clients still
        // held their metadata crashed librdkafka (rd_kafka_metadata_cache_find) in an earlier version of this test.
        // A database of its own: the service's schema name is fixed, so tests cannot share one database.
        let databaseName = "injector_\(suffix)"
        let admins = try PostgresPool(
            configuration: PostgresConfiguration(url: postgresURL, maxConnections: 1), logger: logger)
        try await StackDatabase.create(databaseName, logger: logger)
        let databaseURL = try replaceDatabase(in: postgresURL, with: databaseName)

        let secrets = FileManager.default.temporaryDirectory.appendingPathComponent("injector-key-\(suffix)")
        let key = (0..<32).map { _ in UInt8.random(in: 0...255) }
        try Data(Data(key).base64EncodedString().utf8).write(to: secrets)

        let ssh = SSHConnectionPool(logger: logger)
        var cleanups: [() async -> Void] = [
            { await ssh.shutdown() },
            {
                _ = try? await admins.query("DROP DATABASE IF EXISTS \(databaseName) WITH (FORCE)")
                await admins.close()
            },
            { try? FileManager.default.removeItem(at: secrets) },
        ]
        func cleanUp() async { for cleanup in cleanups.reversed() { await cleanup() } }

        do {
            let standIn = try await InjectorStandIn.make(pool: ssh)
            let port = try ServicePorts.free()
            var environment = try StackDatabase.serviceEnvironment("session-injector", database: databaseName)
            environment.merge([
                "CONNECTAS_KAFKA_BROKERS": brokers,
                "CONNECTAS_KAFKA_SESSION_TIMEOUT_SECONDS": "6",
                "CONNECTAS_INSTANCE_ID": "injector-test-\(suffix)",
                // A group per test: a member that died mid-join must not hold up the next test's group.
                "CONNECTAS_KAFKA_GROUP_ID": "test.injector.\(suffix).session-injector",
                "CONNECTAS_TOPICS_EVENTS": topics.0,
                "CONNECTAS_TOPICS_REPLIES": topics.1,
                "CONNECTAS_TOPICS_DEAD_LETTERS": topics.2,
                "CONNECTAS_TOPICS_COMMANDS": "test.injector.\(suffix).commands",
                "CONNECTAS_INJECTOR_SECRET_KEY_FILE": secrets.path,
                "CONNECTAS_INJECTOR_SSH_KEY_FILE": keyFile,
                "CONNECTAS_INJECTOR_LINK_BASE_URL": "http://{domain}",
                "CONNECTAS_INJECTOR_REDIRECT_URL": odooURL + "/web",
                "CONNECTAS_INJECTOR_ODOO_TIMEOUT_SECONDS": "30",
                "CONNECTAS_INJECTOR_SECOND_DELETE_DELAY_SECONDS": "2",
            ]) { $1 }
            environment.merge(settings) { _, new in new }

            let observed = try await InjectorObserver.start(brokers: brokerList, topics: [topics.0, topics.1])
            cleanups.append { await observed.stop() }
            let producer = try await KafkaProducer.connect(
                configuration: KafkaProducerConfiguration(bootstrapServers: brokerList, clientID: "injector-tests"),
                logger: logger)
            cleanups.append { await producer.shutdown() }
            let injector = try await ServiceProcess.start("session-injector", environment: environment, port: port)
            cleanups.append { await injector.stop() }
            let database = try PostgresPool(
                configuration: PostgresConfiguration(url: databaseURL, maxConnections: 2, schema: "session_injector"),
                logger: logger)
            cleanups.append { await database.close() }

            let stack = InjectorTestStack(
                injector: injector, standIn: standIn, topics: topics, producer: producer, observed: observed,
                database: database, ssh: ssh,
                shell: OdooShell(pool: ssh, credentials: .privateKeyFile(keyFile), logger: logger))
            do {
                try await body(stack)
            } catch {
                print("session-injector output (tail):\n\(injector.outputTail(lines: 40))")
                throw error
            }
            await cleanUp()
            try? FileManager.default.removeItem(at: injector.logFile)
        } catch {
            await cleanUp()
            throw error
        }
    }

    static func replaceDatabase(in url: String, with name: String) throws -> String {
        guard var components = URLComponents(string: url) else {
            throw InjectorTestError("CONNECTAS_PG_ADMIN_URL is not a URL")
        }
        components.path = "/\(name)"
        guard let result = components.string else { throw InjectorTestError("cannot rewrite CONNECTAS_PG_ADMIN_URL") }
        return result
    }

    // MARK: - Driving it

    /// An approval as policy-service would publish it, for a user of the seeded database.
    func approval(
        target: TargetSelector = .login("sam"), protectAdministrators: Bool = true, maxDuration: Int = 3600,
        server: ServerEndpoint? = nil
    ) -> InitiateApproved {
        var environment = standIn.snapshot(domain: domain)
        if let server { environment.server = server }
        let id = UUID().uuidString.prefix(8).lowercased()
        return InitiateApproved(
            requestId: "req-\(id)", orgId: "org-test", environmentId: "env-test", sessionId: "ses-\(id)",
            actor: PlatformActor(platformUserId: "u-eng", email: "engineer@platform.example"), actorRole: .owner,
            target: target, reason: "Reproduce the invoice bug for ticket 42", clientIp: "198.51.100.7",
            userAgent: "Mozilla/5.0 (test)", maxSessionDurationSeconds: maxDuration,
            protectAdministrators: protectAdministrators, environment: environment,
            notifications: NotificationSettings(channels: [.email], language: .english))
    }

    func endApproval(_ approved: InitiateApproved, sessionId: String? = nil) -> EndApproved {
        EndApproved(
            requestId: "end-\(UUID().uuidString.prefix(8).lowercased())", orgId: approved.orgId,
            environmentId: approved.environmentId, sessionId: sessionId ?? approved.sessionId,
            actor: approved.actor, actorRole: .owner, environment: approved.environment)
    }

    func revokeApproval(_ approved: InitiateApproved) -> RevokeApproved {
        RevokeApproved(
            requestId: "rev-\(UUID().uuidString.prefix(8).lowercased())", orgId: approved.orgId,
            environmentId: approved.environmentId, sessionId: approved.sessionId,
            actor: PlatformActor(platformUserId: "u-owner", email: "owner@platform.example"), actorRole: .owner,
            reason: "engineer left the call", environment: approved.environment)
    }

    /// Publishes on the injector's events topic, keyed like every event, with the given CloudEvents id.
    func publish<Payload: MessagePayload>(_ payload: Payload, id: String = UUID().uuidString) async throws {
        let event = CloudEvent(payload, source: "/connectas/policy-service", id: id)
        _ = try await producer.send(
            topic: topics.events, key: Array(payload.partitionKey.utf8), value: Array(try EventCodec.encode(event)))
    }

    /// Opens the link the way a browser would, through the environment's proxy (which appends X-Forwarded-For).
    func redeem(_ url: URL, forwardedFor: String = "203.0.113.9") async throws -> InjectorHTTP.Response {
        try await InjectorHTTP.get(url, headers: ["X-Forwarded-For": "10.9.9.9, \(forwardedFor)"])
    }

    /// The first message of type `Payload` that matches, waiting for it; fails with the injector's log tail.
    func next<Payload: MessagePayload>(
        _ type: Payload.Type, within limit: Duration = .seconds(60), where matches: (Payload) -> Bool = { _ in true }
    ) async throws -> Payload {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let found = observed.all(type).first(where: matches) { return found }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw InjectorTestError(
            "no \(Payload.eventType) within \(limit); seen: \(observed.typesSeen)\n\(injector.outputTail(lines: 40))")
    }

    /// The session cookie a successful redeem set.
    static func sessionCookie(_ response: InjectorHTTP.Response) -> String? {
        guard let header = response.header("Set-Cookie"), header.hasPrefix("session_id=") else { return nil }
        return header.dropFirst("session_id=".count).split(separator: ";").first.map(String.init)
    }
}

/// Reads the injector's events and replies topics from the beginning and keeps every decoded message.
final class InjectorObserver: Sendable {
    private let consumer: KafkaConsumer
    private let messages = Mutex<[(topic: String, event: DecodedEvent)]>([])
    private let task = Mutex<Task<Void, Never>?>(nil)

    private init(consumer: KafkaConsumer) { self.consumer = consumer }

    static func start(brokers: [String], topics: [String]) async throws -> InjectorObserver {
        let consumer = try await KafkaConsumer.connect(
            configuration: KafkaConsumerConfiguration(
                bootstrapServers: brokers, clientID: "injector-tests",
                groupID: "injector-tests-\(UUID().uuidString.prefix(8))", topics: topics,
                sessionTimeout: .seconds(6), autoOffsetReset: .earliest, shutdownGracePeriod: .seconds(5)),
            logger: InjectorTestStack.logger)
        let observer = InjectorObserver(consumer: consumer)
        observer.task.withLock {
            $0 = Task {
                do {
                    for try await record in consumer.messages {
                        guard let value = record.value, let event = try? EventCodec.decode(value) else { continue }
                        observer.messages.withLock { $0.append((record.topic, event)) }
                    }
                } catch {}
            }
        }
        return observer
    }

    func stop() async {
        consumer.stop()
        await consumer.shutdown()
        task.withLock { $0?.cancel() }
    }

    func all<Payload: MessagePayload>(_ type: Payload.Type) -> [Payload] {
        messages.withLock { $0.compactMap { $0.event.message.payload as? Payload } }
    }

    func count<Payload: MessagePayload>(_ type: Payload.Type, where matches: (Payload) -> Bool) -> Int {
        all(type).filter(matches).count
    }

    /// Every message as (topic, JSON text), to check what a token or a session id never appears in.
    var rawTexts: [String] {
        messages.withLock { $0.compactMap { try? String(decoding: EventCodec.encode($0.event), as: UTF8.self) } }
    }

    var typesSeen: [String] {
        messages.withLock { $0.map { "\($0.event.type)" } }
    }
}
