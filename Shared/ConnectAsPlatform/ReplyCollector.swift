import ConnectAsKafka
import ConnectAsSchema
import Foundation
import Logging
import Synchronization

/// The platform side of the contract: reads `connectas.replies` in a group of its own and hands each reply to
/// whoever waits for its request id, with the instant it arrived (what the benchmark measures). Pointed at another
/// topic with a filter, it does the same for events (the benchmark times the decision on `connectas.events`).
public final class ReplyCollector: Sendable {
    public typealias Arrival = (reply: DecodedEvent, at: ContinuousClock.Instant)

    private struct State {
        var arrived: [String: Arrival] = [:]
        var waiters: [String: CheckedContinuation<Arrival, any Error>] = [:]
    }

    private let consumer: KafkaConsumer
    private let accepts: @Sendable (DecodedEvent) -> Bool
    private let state = Mutex(State())
    private let reader = Mutex<Task<Void, Never>?>(nil)

    private init(consumer: KafkaConsumer, accepts: @escaping @Sendable (DecodedEvent) -> Bool) {
        self.consumer = consumer
        self.accepts = accepts
    }

    /// Joins a fresh group from the earliest offset, so a reply that comes before the group is joined is not missed.
    /// Only messages `accepts` keeps are handed out (the first per request id wins a waiter).
    public static func start(
        bootstrapServers: [String], topic: String, logger: Logger, properties: [String: String] = [:],
        accepts: @escaping @Sendable (DecodedEvent) -> Bool = { _ in true }
    ) async throws -> ReplyCollector {
        let consumer = try await KafkaConsumer.connect(
            configuration: KafkaConsumerConfiguration(
                bootstrapServers: bootstrapServers, clientID: "connectas-platform",
                groupID: "connectas-platform-\(UUID().uuidString.prefix(8))", topics: [topic],
                sessionTimeout: .seconds(6), autoOffsetReset: .earliest, shutdownGracePeriod: .seconds(1),
                properties: properties),
            logger: logger)
        let collector = ReplyCollector(consumer: consumer, accepts: accepts)
        collector.reader.withLock { $0 = Task { await collector.read() } }
        return collector
    }

    private func read() async {
        do {
            for try await record in consumer.messages {
                let now = ContinuousClock.now
                guard let value = record.value, let reply = try? EventCodec.decode(value),
                    let requestID = reply.attributes.correlationId, accepts(reply)
                else { continue }
                let waiter = state.withLock { state -> CheckedContinuation<Arrival, any Error>? in
                    if let waiter = state.waiters.removeValue(forKey: requestID) { return waiter }
                    state.arrived[requestID] = (reply, now)
                    return nil
                }
                waiter?.resume(returning: (reply, now))
            }
        } catch {
            let waiters = state.withLock { state in
                defer { state.waiters = [:] }
                return state.waiters.values
            }
            for waiter in waiters { waiter.resume(throwing: error) }
        }
    }

    /// Waits until the group has its partitions, so that latencies measured after it are not join time.
    public func waitUntilAssigned(timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !consumer.isAssigned {
            guard ContinuousClock.now < deadline else { throw PlatformClientError("the replies consumer got no partitions") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    public func reply(for requestID: String, timeout: Duration) async throws -> Arrival {
        try await withThrowingTaskGroup(of: Arrival.self) { group in
            group.addTask {
                try await withCheckedThrowingContinuation { continuation in
                    let arrived = self.state.withLock { state -> Arrival? in
                        if let arrival = state.arrived.removeValue(forKey: requestID) { return arrival }
                        state.waiters[requestID] = continuation
                        return nil
                    }
                    if let arrived { continuation.resume(returning: arrived) }
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                let waiter = self.state.withLock { $0.waiters.removeValue(forKey: requestID) }
                let error = PlatformClientError("no reply to request \(requestID) within \(timeout)")
                waiter?.resume(throwing: error)
                throw error
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    public func stop() async {
        consumer.stop()
        await consumer.shutdown()
        await reader.withLock { $0 }?.value
    }
}

public struct PlatformClientError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
