import ConnectAsKafka
import ConnectAsSchema
import Foundation
import Synchronization

/// Everything the suite published during a chaos run, duplicates included: the run's topics are its own (a fresh
/// prefix), so all of it is the run's. Waiting for a reply is ``ReplyCollector``'s job, not this one's.
final class ChaosRecorder: Sendable {
    struct Seen: Sendable {
        let topic: String
        let event: DecodedEvent
    }

    private struct State {
        var seen: [Seen] = []
        var undecodable = 0
    }

    private let consumer: KafkaConsumer
    private let state = Mutex(State())
    private let reader = Mutex<Task<Void, Never>?>(nil)

    private init(consumer: KafkaConsumer) {
        self.consumer = consumer
    }

    static func start(_ connection: ConnectionOptions) async throws -> ChaosRecorder {
        let topics = [DefaultTopic.events, DefaultTopic.replies, DefaultTopic.deadLetters].map(connection.topic)
        let consumer = try await KafkaConsumer.connect(
            configuration: KafkaConsumerConfiguration(
                bootstrapServers: connection.bootstrapServers, clientID: "connectas-chaos",
                groupID: "connectas-chaos-\(UUID().uuidString.prefix(8))", topics: topics, sessionTimeout: .seconds(6),
                autoOffsetReset: .earliest, shutdownGracePeriod: .seconds(1), properties: connection.consumerProperties),
            logger: connection.logger)
        let recorder = ChaosRecorder(consumer: consumer)
        recorder.reader.withLock { $0 = Task { await recorder.read() } }
        let deadline = ContinuousClock.now + .seconds(60)
        while !consumer.isAssigned {
            guard ContinuousClock.now < deadline else { throw CLIError("the chaos recorder got no partitions") }
            try await Task.sleep(for: .milliseconds(50))
        }
        return recorder
    }

    /// Until the consumer stops; an error ends the recording, and the invariants then count what was missed.
    private func read() async {
        do {
            for try await record in consumer.messages {
                guard let value = record.value, let event = try? EventCodec.decode(value) else {
                    state.withLock { $0.undecodable += 1 }
                    continue
                }
                state.withLock { $0.seen.append(Seen(topic: record.topic, event: event)) }
            }
        } catch {
            FileHandle.standardError.write(Data("chaos recorder stopped: \(error)\n".utf8))
        }
    }

    var seen: [Seen] { state.withLock { $0.seen } }
    var undecodable: Int { state.withLock { $0.undecodable } }

    func stop() async {
        consumer.stop()
        await consumer.shutdown()
        await reader.withLock { $0 }?.value
    }
}
