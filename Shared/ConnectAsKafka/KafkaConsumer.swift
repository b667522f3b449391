import Logging
import Synchronization

/// A member of a consumer group that hands out messages one at a time and commits offsets only when told.
///
/// The intended loop processes a message, makes its effects durable, then commits it:
/// ```swift
/// for try await message in consumer.messages {
///     try await handle(message)
///     try await consumer.commit(message)
/// }
/// ```
/// Rebalances are served only while the loop waits for the next message, so the message being processed always
/// finishes first; on revoke the consumer commits what was processed (``commit(_:)`` or ``store(_:)``) and drops
/// what was fetched but not handed out, so the next owner neither loses nor repeats work. ``shutdown()`` does
/// the same and leaves the group.
public final class KafkaConsumer: Sendable {
    let state: ConsumerState
    let client: RDKafkaClient
    let configuration: KafkaConsumerConfiguration
    private let shutdownTask = Mutex<Task<Void, Never>?>(nil)

    /// How many messages one trip to the polling queue fetches at most (those librdkafka already has).
    private static let fetchBatchSize = 100

    private init(client: RDKafkaClient, state: ConsumerState, configuration: KafkaConsumerConfiguration) {
        self.client = client
        self.state = state
        self.configuration = configuration
    }

    /// Creates the consumer, checks that a broker answers, and subscribes to `configuration.topics`. The group
    /// join happens in the background; partitions arrive while iterating ``messages``.
    ///
    /// - Throws: ``KafkaError`` `.unsupportedLibrary` (librdkafka older than 2.2), `.configuration`,
    ///   `.brokerUnreachable` when no broker answers within `connectTimeout`, `.subscribe`.
    public static func connect(configuration: KafkaConsumerConfiguration, logger: Logger) async throws -> KafkaConsumer
    {
        try KafkaLibrary.requireSupportedVersion()
        guard !configuration.topics.isEmpty else {
            throw KafkaError(code: .configuration, message: "a Kafka consumer needs at least one topic")
        }
        var logger = logger
        logger[metadataKey: KafkaLoggingKeys.group] = "\(configuration.groupID)"
        let state = ConsumerState()
        let events = RDKafkaEvents(
            logger: logger, servesErrors: true,
            onRebalance: { [logger] handle, event, list in
                KafkaConsumer.rebalance(handle: handle, event: event, partitions: list, state: state, logger: logger)
            })
        let client = try await RDKafkaClient.make(
            kind: .consumer, properties: configuration.rdKafkaProperties, events: events)
        try client.redirectMainQueueToConsumer()
        try await client.queue.run {
            try client.probeBroker(timeout: configuration.connectTimeout)
            try client.subscribe(topics: configuration.topics)
        }
        client.logger.debug("Kafka consumer subscribed to \(configuration.topics.joined(separator: ", "))")
        return KafkaConsumer(client: client, state: state, configuration: configuration)
    }

    /// The subscription's messages; see ``KafkaConsumerMessages``.
    public var messages: KafkaConsumerMessages { KafkaConsumerMessages(consumer: self) }

    /// The partitions this member owns now (empty before the first join and after shutdown). A consumer that is
    /// running but owns nothing is healthy only when the group has more members than partitions.
    public var assignment: Set<KafkaTopicPartition> { state.assignment }

    /// Whether this member owns at least one partition (for a health check).
    public var isAssigned: Bool { !state.assignment.isEmpty }

    func nextMessage() async throws -> KafkaConsumerMessage? {
        state.markIdle()
        while true {
            switch state.take() {
            case .message(let message): return message
            case .finished: return nil
            case .empty: break
            }
            // Cancellation ends the loop like a stop: the caller's next step is shutdown, which commits and leaves.
            if Task.isCancelled { return nil }
            try await fetch()
        }
    }

    /// Waits up to 100 ms on the polling queue for messages, taking up to a batch of those already fetched.
    private func fetch() async throws {
        let client = client
        let state = state
        try await client.queue.run {
            for index in 0..<Self.fetchBatchSize {
                // Checked on the queue: shutdown's close runs here too, and a closed handle must not be polled.
                guard state.phase == .running else { return }
                guard let result = client.consumerPoll(timeout: index == 0 ? .milliseconds(100) : .zero) else { return }
                switch result {
                case .success(let message):
                    state.append(message)
                case .failure(let error) where error.isFatal:
                    throw error
                case .failure(let error):
                    // librdkafka retries these itself (a topic not created yet, a broker restarting).
                    client.logger.warning("Kafka consumer error", metadata: [KafkaLoggingKeys.error: "\(error)"])
                }
            }
        }
    }

    /// Marks `message` processed without waiting for the broker; the offset is committed with the next
    /// ``commit()``, on revoke or at shutdown. Cheap: for batching commits.
    public func store(_ message: KafkaConsumerMessage) throws {
        try requireOpen()
        try client.storeOffsets([message.topicPartition: message.offset + 1])
    }

    /// Commits `message` (and everything stored before it) and waits until the broker has it.
    public func commit(_ message: KafkaConsumerMessage) async throws {
        try await commit(offsets: [message.topicPartition: message.offset + 1])
    }

    /// Commits explicit offsets: for each partition, the offset of the next message to read.
    public func commit(offsets: [KafkaTopicPartition: Int64]) async throws {
        try requireOpen()
        let client = client
        try await client.queue.run {
            try client.storeOffsets(offsets)
            try client.commitStored()
        }
    }

    /// Commits every offset stored with ``store(_:)`` and not yet committed.
    public func commit() async throws {
        try requireOpen()
        let client = client
        try await client.queue.run { try client.commitStored() }
    }

    /// Committing is allowed while stopping (the message in process finishes), not once the group was left.
    private func requireOpen() throws {
        guard state.phase != .closed else {
            throw KafkaError(
                code: .shutdown,
                message:
                    "the Kafka consumer of group \(configuration.groupID) is shut down; the partition's next owner "
                    + "will process the message again")
        }
    }

    /// The group's committed offsets (the next offset to read) for `partitions`; those with none are left out.
    public func committedOffsets(
        for partitions: [KafkaTopicPartition], timeout: Duration = .seconds(10)
    ) async throws -> [KafkaTopicPartition: Int64] {
        let client = client
        return try await client.queue.run { try client.committed(partitions, timeout: timeout) }
    }

    /// Stops handing out messages: the loop over ``messages`` ends after the message being processed. Returns at
    /// once; ``shutdown()`` also waits, commits and leaves the group.
    public func stop() {
        state.stop()
    }

    /// Stops fetching, waits (up to `shutdownGracePeriod`) for the message being processed, commits what was
    /// processed and leaves the group so its partitions move to other members at once. Idempotent.
    public func shutdown() async {
        let task = shutdownTask.withLock { task in
            if let task { return task }
            let newTask = Task { await self.performShutdown() }
            task = newTask
            return newTask
        }
        await task.value
    }

    private func performShutdown() async {
        state.stop()
        if await !state.waitUntilIdle(timeout: configuration.shutdownGracePeriod) {
            client.logger.warning(
                "Kafka consumer shutting down with a message still in process after \(configuration.shutdownGracePeriod)"
            )
        }
        let client = client
        let state = state
        await client.queue.run {
            do {
                try client.commitStored()
            } catch {
                client.logger.warning(
                    "Kafka consumer could not commit at shutdown", metadata: [KafkaLoggingKeys.error: "\(error)"])
            }
            do {
                // Serves the final revoke (which commits again, harmlessly) and sends LeaveGroup.
                try client.closeConsumer()
            } catch {
                client.logger.warning(
                    "Kafka consumer did not leave its group cleanly", metadata: [KafkaLoggingKeys.error: "\(error)"])
            }
            state.close()
        }
        client.logger.debug("Kafka consumer left group \(configuration.groupID)")
    }
}
