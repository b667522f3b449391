/// The notifications a ``PostgresPool/listen(to:onReconnect:)`` call receives, in the order the server sent them.
///
/// The sequence ends when the pool closes. The listener stops, and its connection closes, when the pool closes, when
/// the task iterating the sequence is cancelled, or when the sequence is released. Single consumer.
public struct PostgresNotifications: AsyncSequence, Sendable {
    public typealias Element = PostgresNotification
    let stream: AsyncStream<PostgresNotification>

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncStream<PostgresNotification>.AsyncIterator
        public mutating func next() async -> PostgresNotification? { await base.next() }
        public mutating func next(isolation actor: isolated (any Actor)?) async -> PostgresNotification? {
            await base.next(isolation: actor)
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: stream.makeAsyncIterator()) }
}
