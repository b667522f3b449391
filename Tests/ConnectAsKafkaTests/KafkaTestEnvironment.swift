import ConnectAsKafka
import Foundation
import Logging
import Synchronization
import TestSupport

/// The broker of the local stack, and helpers every Kafka integration test shares.
enum KafkaTestEnvironment {
    /// Tansu joins a group in about 3 s with this session timeout (23 s with librdkafka's default).
    static let sessionTimeout = Duration.seconds(6)

    static func brokers() throws -> [String] {
        try StackEnvironment.require("CONNECTAS_KAFKA_BROKERS").split(separator: ",").map(String.init)
    }

    static let logger: Logger = {
        var logger = Logger(label: "connectas.kafka.tests")
        logger.logLevel =
            StackEnvironment.optional("CONNECTAS_TEST_LOG_LEVEL").flatMap { Logger.Level(rawValue: $0) } ?? .warning
        return logger
    }()

    /// A new topic of its own for one test, created through the admin API.
    static func freshTopic(partitions: Int32 = 6) async throws -> String {
        let topic = StackEnvironment.uniqueName("test.kafka")
        let admin = try await KafkaAdmin.connect(
            configuration: KafkaAdminConfiguration(bootstrapServers: brokers()), logger: logger)
        try await admin.createTopic(topic, partitions: partitions)
        return topic
    }

    static func consumerConfiguration(
        topic: String, group: String, clientID: String = "kafka-tests",
        rebalanceProtocol: KafkaConsumerConfiguration.RebalanceProtocol = .eager
    ) throws -> KafkaConsumerConfiguration {
        KafkaConsumerConfiguration(
            bootstrapServers: try brokers(), clientID: clientID, groupID: group, topics: [topic],
            sessionTimeout: sessionTimeout, rebalanceProtocol: rebalanceProtocol, shutdownGracePeriod: .seconds(10))
    }

    /// Sends messages keyed `key-N` with value `value-N` for each N in `indices`, all in flight at once, and returns
    /// for each partition the offset after the last message (what a group that read everything has committed).
    static func produceKeyed(_ indices: Range<Int>, topic: String) async throws -> [KafkaTopicPartition: Int64] {
        let producer = try await KafkaProducer.connect(
            configuration: KafkaProducerConfiguration(bootstrapServers: try brokers(), clientID: "kafka-tests"),
            logger: logger)
        let reports = try await withThrowingTaskGroup(of: KafkaDeliveryReport.self) { group in
            for index in indices {
                group.addTask {
                    try await producer.send(
                        topic: topic, key: "key-\(index)", value: "value-\(index)",
                        headers: [KafkaHeader(name: "index", value: "\(index)")])
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        await producer.shutdown()
        var ends: [KafkaTopicPartition: Int64] = [:]
        for report in reports {
            let partition = KafkaTopicPartition(topic: report.topic, partition: report.partition)
            ends[partition] = max(ends[partition] ?? 0, report.offset + 1)
        }
        return ends
    }

    static func partitions(of topic: String, count: Int32 = 6) -> [KafkaTopicPartition] {
        (0..<count).map { KafkaTopicPartition(topic: topic, partition: $0) }
    }
}

/// Runs `body`, failing with a timeout error if it has not finished after `limit`, so a stuck test fails instead
/// of hanging the suite.
func withTimeLimit<T: Sendable>(
    _ limit: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        let first = try await group.next()!
        group.cancelAll()
        guard let value = first else { throw TimeLimitExceeded(what: what, limit: limit) }
        return value
    }
}

struct TimeLimitExceeded: Error, CustomStringConvertible {
    let what: String
    let limit: Duration
    var description: String { "\(what) did not finish within \(limit)" }
}

/// What the consumers of one test have processed, shared between their tasks.
final class ProcessedMessages: Sendable {
    private struct State {
        var byKey: [String: [KafkaConsumerMessage]] = [:]
        var total = 0
    }

    private let state = Mutex(State())

    /// Records a processed message; returns how many distinct keys have been processed so far.
    @discardableResult
    func record(_ message: KafkaConsumerMessage) -> Int {
        state.withLock { state in
            state.byKey[message.keyString ?? "", default: []].append(message)
            state.total += 1
            return state.byKey.count
        }
    }

    var distinctKeys: Int { state.withLock { $0.byKey.count } }
    var total: Int { state.withLock { $0.total } }
    var byKey: [String: [KafkaConsumerMessage]] { state.withLock { $0.byKey } }
    var duplicates: [String] { state.withLock { $0.byKey.filter { $0.value.count > 1 }.map(\.key).sorted() } }
}

/// A value several tasks of one test read and write.
final class SharedValue<Value: Sendable>: Sendable {
    private let value: Mutex<Value>

    init(_ value: Value) { self.value = Mutex(value) }

    func get() -> Value { value.withLock { $0 } }

    func update<Result: Sendable>(_ body: (inout Value) -> Result) -> Result { value.withLock { body(&$0) } }
}
