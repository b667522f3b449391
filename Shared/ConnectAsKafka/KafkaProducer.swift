import CRdKafka
import Logging
import Synchronization

/// An idempotent producer (`enable.idempotence=true`, `acks=all`) whose `send` returns once the broker has
/// acknowledged the message.
///
/// Many `send`s may be in flight at once from many tasks; librdkafka batches them. Delivery reports come from a
/// poll loop on a thread of its own. Call ``shutdown(timeout:)`` before dropping the producer, so that messages
/// still in flight are delivered.
public final class KafkaProducer: Sendable {
    private let client: RDKafkaClient
    private let deliveries: DeliveryTable
    private let pollLoop: PollLoop
    private let shutdownTask = Mutex<Task<Void, Never>?>(nil)

    private init(client: RDKafkaClient, deliveries: DeliveryTable, pollLoop: PollLoop) {
        self.client = client
        self.deliveries = deliveries
        self.pollLoop = pollLoop
    }

    /// Creates the producer and checks that a broker answers.
    ///
    /// - Throws: ``KafkaError`` `.unsupportedLibrary` (librdkafka older than 2.2), `.configuration`, or
    ///   `.brokerUnreachable` when no broker answers within `connectTimeout`.
    public static func connect(configuration: KafkaProducerConfiguration, logger: Logger) async throws -> KafkaProducer
    {
        try KafkaLibrary.requireSupportedVersion()
        let deliveries = DeliveryTable()
        let events = RDKafkaEvents(
            logger: logger, servesErrors: true,
            onDelivery: { messageID, result in
                deliveries.complete(messageID, with: result)
            })
        let client = try await RDKafkaClient.make(
            kind: .producer, properties: configuration.rdKafkaProperties, events: events)
        try await client.queue.run { try client.probeBroker(timeout: configuration.connectTimeout) }
        let pollLoop = PollLoop(label: "connectas.kafka.poll.\(configuration.clientID)") {
            client.poll(timeout: .milliseconds(100))
        }
        client.logger.debug("Kafka producer connected to \(client.bootstrapServers)")
        return KafkaProducer(client: client, deliveries: deliveries, pollLoop: pollLoop)
    }

    deinit {
        // Without shutdown() the loop would keep the client, and so its handle, alive forever.
        pollLoop.requestStop()
    }

    /// Sends one message and waits until the broker has stored it.
    ///
    /// With no explicit partition, librdkafka picks one from the key (consistent hashing), so messages with the same
    /// key stay in order. Cancelling the task does not withdraw a message librdkafka has accepted.
    ///
    /// - Returns: where the broker stored the message.
    /// - Throws: ``KafkaError`` `.produce` (refused before sending), `.delivery` (not acknowledged within
    ///   `deliveryTimeout`), `.shutdown`.
    @discardableResult
    public func send(
        topic: String, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader] = []
    ) async throws -> KafkaDeliveryReport {
        while true {
            let outcome = try await withCheckedThrowingContinuation { (waiter: DeliveryTable.Waiter) in
                guard let messageID = deliveries.register(waiter) else { return }
                guard
                    let error = client.produce(
                        topic: topic, key: key, value: value, headers: headers, messageID: messageID)
                else { return }
                // Refused before sending, so no delivery report will come for this id.
                guard let waiter = deliveries.take(messageID) else { return }
                if error.rdKafkaCode == RD_KAFKA_RESP_ERR__QUEUE_FULL.rawValue {
                    waiter.resume(returning: .queueFull)
                } else {
                    waiter.resume(throwing: error)
                }
            }
            switch outcome {
            case .delivered(let report):
                return report
            case .queueFull:
                // queue.buffering.max.messages reached: wait for deliveries to drain it, without blocking a thread.
                try await Task.sleep(for: .milliseconds(10))
            }
        }
    }

    /// Sends a message whose key and value are UTF-8 text.
    @discardableResult
    public func send(
        topic: String, key: String?, value: String?, headers: [KafkaHeader] = []
    ) async throws -> KafkaDeliveryReport {
        try await send(
            topic: topic, key: key.map { Array($0.utf8) }, value: value.map { Array($0.utf8) }, headers: headers)
    }

    /// Messages handed to librdkafka whose delivery report has not come yet.
    public var outstandingMessages: Int { deliveries.outstanding }

    /// Waits until every message sent so far is acknowledged or failed.
    ///
    /// - Throws: ``KafkaError`` `.timeout` when messages are still outstanding after `timeout`.
    public func flush(timeout: Duration = .seconds(30)) async throws {
        let client = client
        let err = await client.queue.run { rd_kafka_flush(client.handle, timeout.rdKafkaMilliseconds) }
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError.rdKafka(
                .timeout, err,
                "\(rd_kafka_outq_len(client.handle)) Kafka messages or events still outstanding after \(timeout)")
        }
    }

    /// Refuses new messages, waits up to `timeout` for those in flight, then stops polling. Idempotent; concurrent
    /// callers all wait for the one shutdown.
    public func shutdown(timeout: Duration = .seconds(30)) async {
        let task = shutdownTask.withLock { task in
            if let task { return task }
            let newTask = Task { await self.performShutdown(timeout: timeout) }
            task = newTask
            return newTask
        }
        await task.value
    }

    private func performShutdown(timeout: Duration) async {
        deliveries.close(reason: KafkaError(code: .shutdown, message: "the Kafka producer is shut down"))
        do {
            try await flush(timeout: timeout)
        } catch {
            client.logger.warning(
                "Kafka producer shut down with messages undelivered", metadata: [KafkaLoggingKeys.error: "\(error)"])
        }
        await pollLoop.stop()
        deliveries.failAll(
            KafkaError(
                code: .shutdown, message: "the Kafka producer shut down before the broker acknowledged the message",
                isRetriable: true))
        client.logger.debug("Kafka producer shut down")
    }
}
