import ConnectAsKafka
import ConnectAsSchema
import Foundation
import Logging
import Synchronization
import TestSupport

/// One record the service published, decoded when it could be.
struct PolicyObservedRecord: Sendable {
    let topic: String
    let key: String?
    let value: Data?
    let event: DecodedEvent?
}

/// Reads what the service publishes (events, replies, dead letters) from the beginning, in a group of its own, and
/// keeps every record for the test to look through.
final class PolicyTopicObserver: Sendable {
    private let consumer: KafkaConsumer
    private let records = Mutex<[PolicyObservedRecord]>([])
    private let reader = Mutex<Task<Void, Never>?>(nil)

    private init(consumer: KafkaConsumer) {
        self.consumer = consumer
    }

    static func start(brokers: [String], topics: [String], logger: Logger) async throws -> PolicyTopicObserver {
        let consumer = try await KafkaConsumer.connect(
            configuration: KafkaConsumerConfiguration(
                bootstrapServers: brokers, clientID: "policy-tests-observer",
                groupID: StackEnvironment.uniqueName("policy-tests-observer"), topics: topics,
                sessionTimeout: .seconds(6), autoOffsetReset: .earliest, shutdownGracePeriod: .seconds(5)),
            logger: logger)
        let observer = PolicyTopicObserver(consumer: consumer)
        let task = Task {
            do {
                for try await message in consumer.messages {
                    let value = message.value.map { Data($0) }
                    let record = PolicyObservedRecord(
                        topic: message.topic, key: message.keyString, value: value,
                        event: value.flatMap { try? EventCodec.decode($0) })
                    observer.records.withLock { $0.append(record) }
                }
            } catch {
                logger.error("observer stopped: \(error)")
            }
        }
        observer.reader.withLock { $0 = task }
        return observer
    }

    var all: [PolicyObservedRecord] { records.withLock { $0 } }

    func matching(_ predicate: (PolicyObservedRecord) -> Bool) -> [PolicyObservedRecord] {
        records.withLock { $0.filter(predicate) }
    }

    /// The first record matching `predicate`, waiting for it up to `limit`.
    func first(
        within limit: Duration, _ what: String, _ predicate: @escaping (PolicyObservedRecord) -> Bool
    ) async throws -> PolicyObservedRecord {
        var found: PolicyObservedRecord?
        try await PolicyServiceRun.waitUntil(what, within: limit) {
            found = records.withLock { $0.first(where: predicate) }
            return found != nil
        }
        return found!
    }

    func stop() async {
        consumer.stop()
        await consumer.shutdown()
        let task = reader.withLock { $0 }
        task?.cancel()
        await task?.value
    }
}
