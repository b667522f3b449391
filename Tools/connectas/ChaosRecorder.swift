import ConnectAsKafka
import ConnectAsSchema
import Foundation
import Synchronization

/// Everything the suite published during a chaos run, duplicates included: the run's topics are its own (a fresh
/// prefix), so all of it is the run's. Replies are also handed to whoever waits for a request id.
final class ChaosRecorder: Sendable {
    struct Seen: Sendable {
        let topic: String
        let event: DecodedEvent
    }

    private struct State {
        var seen: [Seen] = []
        var undecodable = 0
        var waiters: [String: CheckedContinuation<DecodedEvent, any Error>] = [:]
        var firstReply: [String: DecodedEvent] = [:]
    }

    private let consumer: KafkaConsumer
    private let repliesTopic: String
    private let state = Mutex(State())
    private let reader = Mutex<Task<Void, Never>?>(nil)

    private init(consumer: KafkaConsumer, repliesTopic: String) {
        self.consumer = consumer
        self.repliesTopic = repliesTopic
    }

    static func start(_ connection: ConnectionOptions) async throws -> ChaosRecorder {
        let topics = [DefaultTopic.events, DefaultTopic.replies, DefaultTopic.deadLetters].map(connection.topic)
        let consumer = try await KafkaConsumer.connect(
            configuration: KafkaConsumerConfiguration(
                bootstrapServers: connection.bootstrapServers, clientID: "connectas-chaos",
                groupID: "connectas-chaos-\(UUID().uuidString.prefix(8))", topics: topics, sessionTimeout: .seconds(6),
                autoOffsetReset: .earliest, shutdownGracePeriod: .seconds(1), properties: connection.consumerProperties),
            logger: connection.logger)
        let recorder = ChaosRecorder(consumer: consumer, repliesTopic: connection.topic(DefaultTopic.replies))
        recorder.reader.withLock { $0 = Task { await recorder.read() } }
        let deadline = ContinuousClock.now + .seconds(60)
        while !consumer.isAssigned {
            guard ContinuousClock.now < deadline else { throw CLIError("the chaos recorder got no partitions") }
            try await Task.sleep(for: .milliseconds(50))
        }
        return recorder
    }

    private func read() async {
        do {
            for try await record in consumer.messages {
                guard let value = record.value, let event = try? EventCodec.decode(value) else {
                    state.withLock { $0.undecodable += 1 }
                    continue
                }
                let isReply = record.topic == repliesTopic
                let waiter = state.withLock { state -> CheckedContinuation<DecodedEvent, any Error>? in
                    state.seen.append(Seen(topic: record.topic, event: event))
                    guard isReply, let requestID = event.attributes.correlationId,
                        state.firstReply[requestID] == nil
                    else { return nil }
                    state.firstReply[requestID] = event
                    return state.waiters.removeValue(forKey: requestID)
                }
                waiter?.resume(returning: event)
            }
        } catch {
            let waiters = state.withLock { state in
                defer { state.waiters = [:] }
                return Array(state.waiters.values)
            }
            for waiter in waiters { waiter.resume(throwing: error) }
        }
    }

    /// The first reply to `requestID`, however long ago it came.
    func reply(for requestID: String, timeout: Duration) async throws -> DecodedEvent {
        try await withThrowingTaskGroup(of: DecodedEvent.self) { group in
            group.addTask {
                try await withCheckedThrowingContinuation { continuation in
                    let arrived = self.state.withLock { state -> DecodedEvent? in
                        if let reply = state.firstReply[requestID] { return reply }
                        state.waiters[requestID] = continuation
                        return nil
                    }
                    if let arrived { continuation.resume(returning: arrived) }
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                let waiter = self.state.withLock { $0.waiters.removeValue(forKey: requestID) }
                let error = CLIError("no reply to request \(requestID) within \(timeout)")
                waiter?.resume(throwing: error)
                throw error
            }
            defer { group.cancelAll() }
            return try await group.next()!
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
