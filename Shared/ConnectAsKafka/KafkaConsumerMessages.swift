/// The messages of a ``KafkaConsumer``'s subscription, one at a time, until the consumer stops or the iterating
/// task is cancelled.
///
/// Asking for the next message tells the consumer the previous one is processed; ending the loop (normally, by
/// `break` or by throwing) tells it the same. Iterate from one task at a time.
public struct KafkaConsumerMessages: AsyncSequence, Sendable {
    public typealias Element = KafkaConsumerMessage

    let consumer: KafkaConsumer

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(consumer: consumer, loop: LoopLifetime(state: consumer.state))
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let consumer: KafkaConsumer
        let loop: LoopLifetime

        public mutating func next() async throws -> KafkaConsumerMessage? {
            try await consumer.nextMessage()
        }
    }

    /// Marks the consumer idle when the iterator goes away: a loop left by `break` or `throw` never calls `next()`
    /// again, and shutdown must not wait for it.
    final class LoopLifetime: Sendable {
        let state: ConsumerState
        init(state: ConsumerState) { self.state = state }
        deinit { state.markIdle() }
    }
}
