import ConnectAsKafka
import ConnectAsPostgres
import ConnectAsSchema
import Foundation
import Glibc
import Logging
import TestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

// The real stack for the audit-writer and notifier tests: a database, a topic set and a consumer of their own per
// test, and the service's real executable started as a child process pointed at them. Shared by the Audit* and
// Notifier* files (names prefixed with Harness to stay clear of the other services' test helpers).

let harnessLogger: Logger = {
    var logger = Logger(label: "connectas.services.tests")
    logger.logLevel = .warning
    return logger
}()

/// A database of its own for one test (the services work in a fixed schema, so a fresh database keeps tests apart),
/// dropped afterwards.
struct HarnessDatabase: Sendable {
    let name: String
    let url: String
    let pool: PostgresPool

    static func create(_ prefix: String) async throws -> HarnessDatabase {
        let name = StackEnvironment.uniqueName(prefix).replacingOccurrences(of: "-", with: "_")
        try await StackDatabase.create(name, logger: harnessLogger)
        let url = try StackDatabase.adminURL(database: name)
        return HarnessDatabase(
            name: name, url: url, pool: try PostgresPool(configuration: .init(url: url), logger: harnessLogger))
    }

    /// A pool working in the service's schema.
    func servicePool(schema: String) throws -> PostgresPool {
        try PostgresPool(configuration: .init(url: url, schema: schema), logger: harnessLogger)
    }

    func drop() async {
        await pool.close()
        await StackDatabase.drop(name, logger: harnessLogger)
    }
}

/// A topic set of its own for one test, named by a prefix (`CONNECTAS_TOPICS_PREFIX`), and a producer to feed it.
struct HarnessTopics: Sendable {
    let prefix: String
    let producer: KafkaProducer
    var events: String { prefix + DefaultTopic.events }
    var deadLetters: String { prefix + DefaultTopic.deadLetters }
    var checkpoints: String { prefix + DefaultTopic.auditCheckpoints }

    static func brokers() throws -> [String] {
        try StackEnvironment.require("CONNECTAS_KAFKA_BROKERS").split(separator: ",").map(String.init)
    }

    static func create(_ prefix: String) async throws -> HarnessTopics {
        let prefix = StackEnvironment.uniqueName(prefix) + "."
        let admin = try await KafkaAdmin.connect(
            configuration: KafkaAdminConfiguration(bootstrapServers: try brokers()), logger: harnessLogger)
        try await admin.createTopics(
            [DefaultTopic.events, DefaultTopic.replies, DefaultTopic.commands, DefaultTopic.deadLetters,
             DefaultTopic.auditCheckpoints, DefaultTopic.orgs, DefaultTopic.members, DefaultTopic.environments].map {
                KafkaTopicSpecification(name: prefix + $0, partitions: 3)
            })
        let producer = try await KafkaProducer.connect(
            configuration: KafkaProducerConfiguration(bootstrapServers: try brokers(), clientID: "services-tests"),
            logger: harnessLogger)
        return HarnessTopics(prefix: prefix, producer: producer)
    }

    /// Publishes `payload` on the events topic, keyed as the suite keys it, under a fixed event id.
    @discardableResult
    func publish<Payload: MessagePayload>(_ payload: Payload, id: String, time: Date = Date()) async throws
        -> CloudEvent<Payload>
    {
        let event = CloudEvent(payload, source: "/connectas/tests", id: id, time: time)
        try await producer.send(
            topic: events, key: Array(payload.partitionKey.utf8), value: Array(try EventCodec.encode(event)))
        return event
    }

    /// A platform-state record on its own topic, keyed as the platform keys it.
    func publishState<Payload: MessagePayload>(_ payload: Payload) async throws {
        let event = CloudEvent(payload, source: "/platform/tests", id: UUID().uuidString.lowercased(), time: Date())
        try await producer.send(
            topic: prefix + Payload.defaultTopic, key: Array(payload.partitionKey.utf8),
            value: Array(try EventCodec.encode(event)))
    }

    /// Reads `topic` from the start in a group of its own until `predicate` holds for what was read.
    func read(
        _ topic: String, timeout: Duration = .seconds(60), until predicate: @escaping @Sendable ([DecodedEvent]) -> Bool
    ) async throws -> [DecodedEvent] {
        let consumer = try await KafkaConsumer.connect(
            configuration: KafkaConsumerConfiguration(
                bootstrapServers: try Self.brokers(), clientID: "services-tests",
                groupID: StackEnvironment.uniqueName("services-tests"), topics: [topic], sessionTimeout: .seconds(6)),
            logger: harnessLogger)
        let deadline = ContinuousClock.now + timeout
        let watchdog = Task {
            try? await Task.sleep(until: deadline)
            consumer.stop()
        }
        var seen: [DecodedEvent] = []
        for try await record in consumer.messages {
            if let value = record.value, let event = try? EventCodec.decode(value) { seen.append(event) }
            if predicate(seen) { break }
        }
        watchdog.cancel()
        consumer.stop()
        await consumer.shutdown()
        return seen
    }

    func close() async {
        await producer.shutdown(timeout: .seconds(5))
    }
}

/// One checkpoint key for every audit-writer the tests start (written once per test process).
enum HarnessCheckpointKey {
    static let raw: String = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
    static let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("audit-checkpoint-\(getpid()).key").path

    /// Written once, atomically: tests in parallel must never read it half-written.
    static func file() throws -> String {
        try written.get()
    }

    private static let written: Result<String, any Error> = Result {
        try Data(raw.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        return path
    }
}

extension ServiceProcess {
    /// Starts `executable` on the harness's database and topic set, and waits until `/health` says it is ready
    /// (consumer assigned, database reachable).
    static func start(
        _ executable: String, database: HarnessDatabase, topics: HarnessTopics, extra: [String: String] = [:]
    ) async throws -> ServiceProcess {
        let port = try ServicePorts.free()
        var environment = try StackDatabase.serviceEnvironment(executable, database: database.name)
        environment.merge([
            "CONNECTAS_KAFKA_BROKERS": try StackEnvironment.require("CONNECTAS_KAFKA_BROKERS"),
            "CONNECTAS_KAFKA_SESSION_TIMEOUT_SECONDS": "6",
            "CONNECTAS_TOPICS_PREFIX": topics.prefix,
            "CONNECTAS_INSTANCE_ID": "\(executable)-test-\(port)",
            "CONNECTAS_AUDIT_CHECKPOINT_KEY_FILE": try HarnessCheckpointKey.file(),
        ]) { $1 }
        environment.merge(try AuditTokens.environment()) { $1 }
        environment.merge(extra) { $1 }
        return try await start(executable, environment: environment, port: port)
    }

    func postJSON<T: Decodable>(_ path: String, as type: T.Type) async throws -> T {
        let (data, response) = try await URLSession.shared.data(
            for: AuditTokens.request(url(path), method: "POST"))
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else {
            throw HarnessFailure("POST \(path) answered \(status): \(String(decoding: data, as: UTF8.self))")
        }
        return try JSONDecoder().decode(T.self, from: data)
    }

    /// As an operator (the operator token).
    func getJSON<T: Decodable>(_ path: String, as type: T.Type) async throws -> T {
        let (status, data) = try await get(path, bearer: AuditTokens.operator)
        guard status == 200 else {
            throw HarnessFailure("GET \(path) answered \(status): \(String(decoding: data, as: UTF8.self))")
        }
        return try JSONDecoder().decode(T.self, from: data)
    }
}

struct HarnessFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Polls `body` until it returns a value, or fails after `timeout` with `what`.
func harnessEventually<T>(
    _ what: String, timeout: Duration = .seconds(60), _ body: () async throws -> T?
) async throws -> T {
    let deadline = ContinuousClock.now + timeout
    var lastError: (any Error)?
    while ContinuousClock.now < deadline {
        do {
            if let value = try await body() { return value }
        } catch {
            lastError = error
        }
        try await Task.sleep(for: .milliseconds(250))
    }
    throw HarnessFailure("\(what) did not happen within \(timeout)" + (lastError.map { " (last error: \($0))" } ?? ""))
}

/// A loopback port nothing listens on (the kernel's pick, released again).
