import ConnectAsKafka
import ConnectAsPostgres
import ConnectAsSchema
import Crypto
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Consumes a service's topics in its consumer group and hands each message to its handler: the messages of one key
/// (an environment's, in order on one partition) one at a time and in order, those of different keys concurrently
/// up to `maxInFlight` (``KeyLanes``), so that one slow or unreachable server holds back only its own environment.
///
/// A message is processed and its effects committed to PostgreSQL before its offset is stored; stored offsets are
/// committed to Kafka in batches, on revoke and at shutdown. So a crash at any point redelivers at most the messages
/// since the last commit, which the idempotent handler skips. A message that cannot be read, or that the handler
/// refuses, goes to the dead-letter topic with the reason, and the consumer moves on. A member left without
/// partitions outside a stable group is replaced by a fresh one (``UnassignedWatchdog``).
public struct ConsumerService: Service, CustomStringConvertible {
    /// What swift-service-lifecycle logs for it: the name, not the fields (which hold the configuration).
    public var description: String { "ConsumerService" }

    let context: ServiceContext
    let topics: [String]
    let handler: any MessageHandler
    let commitInterval: Duration
    /// How many records are held at once across all keys (``KeyLanes``).
    let maxInFlight: Int

    public init(
        context: ServiceContext, topics: [String], handler: any MessageHandler,
        commitInterval: Duration = .milliseconds(200), maxInFlight: Int = 64
    ) {
        self.context = context
        self.topics = topics
        self.handler = handler
        self.commitInterval = commitInterval
        self.maxInFlight = maxInFlight
    }

    public func run() async throws {
        var logger = context.logger
        logger[metadataKey: "connectas.topics"] = "\(topics.joined(separator: ","))"
        let current = Mutex<KafkaConsumer?>(nil)
        let stopping = Mutex(false)
        try await withGracefulShutdownHandler {
            var rejoining = false
            while true {
                let consumer: KafkaConsumer
                do {
                    consumer = try await connect(logger: logger)
                } catch where rejoining && !stopping.withLock({ $0 }) {
                    // Rejoins happen when the broker is in trouble: a failed reconnect is retried, not fatal.
                    logger.warning("could not join again; will retry", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: .seconds(5))
                    continue
                }
                current.withLock { $0 = consumer }
                if stopping.withLock({ $0 }) { consumer.stop() }
                context.health.attach(consumer)
                let rejoin = try await consume(consumer, logger: logger)
                await consumer.shutdown()
                guard rejoin, !stopping.withLock({ $0 }) else { break }
                rejoining = true
                logger.warning("consumer left its group to join again as a fresh member")
            }
        } onGracefulShutdown: {
            stopping.withLock { $0 = true }
            current.withLock { $0 }?.stop()
        }
        logger.info("consumer left its group")
    }

    private func connect(logger: Logger) async throws -> KafkaConsumer {
        let configuration = context.configuration
        return try await KafkaConsumer.connect(
            configuration: KafkaConsumerConfiguration(
                bootstrapServers: configuration.kafkaBrokers,
                clientID: "\(configuration.service.rawValue)-\(configuration.instanceID)",
                groupID: configuration.kafkaGroupID, topics: topics,
                sessionTimeout: configuration.kafkaSessionTimeout,
                properties: configuration.kafkaFetchWait.map {
                    ["fetch.wait.max.ms": "\(Int($0.components.seconds) * 1000 + Int($0.components.attoseconds / 1_000_000_000_000_000))"]
                } ?? [:]),
            logger: logger)
    }

    /// Runs `consumer` until it is stopped; returns whether the watchdog stopped it to rejoin.
    private func consume(_ consumer: KafkaConsumer, logger: Logger) async throws -> Bool {
        let committer = Task { [logger] in
            while !Task.isCancelled {
                try? await Task.sleep(for: commitInterval)
                do { try await consumer.commit() } catch { logger.debug("offset commit failed: \(error)") }
            }
        }
        defer { committer.cancel() }
        let rejoin = RejoinRequest()
        let watchdog = Task { [logger] in
            await UnassignedWatchdog(
                consumer: consumer, limit: context.configuration.kafkaRejoinAfter, request: rejoin, logger: logger
            ).watch()
        }
        defer { watchdog.cancel() }

        let lanes = KeyLanes(limit: maxInFlight, consumer: consumer)
        try await withThrowingDiscardingTaskGroup { group in
            for try await record in consumer.messages {
                await lanes.waitForRoom()
                if let lane = await lanes.enqueue(record) {
                    group.addTask { await runLane(lane, lanes: lanes, logger: logger) }
                }
            }
            // Stopping: what has not started is left for redelivery; what runs finishes, unless the member is
            // leaving to rejoin: its partitions are gone, so a lane retrying for as long as it takes would only hold
            // the rejoin back. Cancelled records keep their offsets unstored and are delivered again.
            if rejoin.isRaised { group.cancelAll() }
            await lanes.close()
        }
        watchdog.cancel()
        return await watchdog.value
    }

    /// Serves one lane (one key) until it has no record left. A record stopped before it was done (the service is
    /// stopping) closes every lane: its offset is not stored, so it is delivered again.
    func runLane(_ lane: String, lanes: KeyLanes, logger: Logger) async {
        while let record = await lanes.next(lane) {
            guard await process(record, logger: logger) else {
                await lanes.close()
                return
            }
            await lanes.finished(record)
        }
    }

    /// Processes one record until it is done or dead-lettered; never throws, so one bad record cannot stop the
    /// consumer. Errors that may pass (a database or broker away) are retried with backoff, for as long as it takes.
    /// Returns `false` when the task was cancelled before the record was done.
    func process(_ record: KafkaConsumerMessage, logger: Logger) async -> Bool {
        var logger = logger
        logger[metadataKey: "kafka.position"] = "\(record.topic)/\(record.partition)/\(record.offset)"
        let started = ContinuousClock.now
        var attempt = 0
        while true {
            attempt += 1
            do {
                let message = try decode(record)
                logger[metadataKey: "connectas.event.id"] = "\(message.messageID)"
                logger[metadataKey: "connectas.event.type"] = "\(message.messageType)"
                let processing = ProcessingContext(service: context, message: message)
                switch try await processing.priorProcessing() {
                case .none:
                    break
                case .sameContent:
                    Counter(label: "connectas_messages_duplicate_total", dimensions: [("topic", record.topic)]).increment()
                    logger.debug("already processed; skipped")
                    return true
                case .otherContent:
                    return await deadLetter(
                        record, code: "envelope.id_reused",
                        reason: "event id \(message.messageID) was already processed with other content; ids must be unique",
                        schemaError: nil, logger: logger)
                }
                try await handler.handle(message, context: processing)
                Counter(label: "connectas_messages_processed_total", dimensions: [("type", message.messageType)])
                    .increment()
                Timer(label: "connectas_message_processing_seconds").record(duration: ContinuousClock.now - started)
                return true
            } catch let error as SchemaError {
                return await deadLetter(
                    record, code: error.code.rawValue, reason: error.description, schemaError: error, logger: logger)
            } catch let error as UnprocessableMessage {
                return await deadLetter(record, code: error.code, reason: error.reason, schemaError: nil, logger: logger)
            } catch where Self.isTransient(error) || Task.isCancelled {
                let pause = Self.backoff(attempt)
                logger.warning(
                    "processing failed, will retry", metadata: ["error": "\(error)", "retry.in": "\(pause)"])
                Counter(label: "connectas_message_retries_total").increment()
                try? await Task.sleep(for: pause)
                if Task.isCancelled { return false }
            } catch {
                return await deadLetter(
                    record, code: "handler.failed", reason: "\(error)", schemaError: nil, logger: logger)
            }
        }
    }

    func decode(_ record: KafkaConsumerMessage) throws(SchemaError) -> InboundMessage {
        guard let value = record.value else { return InboundMessage(record: record, event: nil) }
        return InboundMessage(record: record, event: try EventCodec.decode(value))
    }

    /// Publishes the record to the dead-letter topic through the outbox, once: the dead letter's id is derived from
    /// the record's position, and the position is remembered as processed in the same transaction. Returns `false`
    /// when cancelled before it was written.
    func deadLetter(
        _ record: KafkaConsumerMessage, code: String, reason: String, schemaError: SchemaError?, logger: Logger
    ) async -> Bool {
        let unreadable = schemaError != nil || code == "envelope.id_reused"
        guard !unreadable || handler.ownsDeadLetters(of: record.topic) else {
            logger.debug("unreadable; another service dead-letters this topic", metadata: ["error.code": "\(code)"])
            return true
        }
        logger.error(
            "dead-lettered or refused", metadata: ["error.code": "\(code)", "error.reason": "\(reason.prefix(1024))"])
        Counter(label: "connectas_messages_dead_lettered_total", dimensions: [("code", code)]).increment()
        let position = "\(record.topic)/\(record.partition)/\(record.offset)"
        let letter = DeadLetter(
            originalTopic: record.topic, partition: record.partition, offset: record.offset,
            key: record.key.map { Data($0) }, payload: Data(record.value ?? []), errorCode: code, reason: reason,
            service: context.service.rawValue, failedAt: Date(),
            originalEventId: schemaError?.eventId, originalEventType: schemaError?.eventType,
            correlationId: schemaError?.correlationId,
            payloadSha256: SHA256.hash(data: record.value ?? []).map { String(format: "%02x", $0) }.joined())
        let handler = handler
        var attempt = 0
        while !Task.isCancelled {
            attempt += 1
            do {
                try await context.transaction { transaction in
                    let inserted = try await transaction.connection.query(
                        """
                        INSERT INTO processed_messages (message_id, message_type, topic) VALUES ($1, 'dead-letter', $2)
                        ON CONFLICT (message_id) DO NOTHING
                        """, "dlq:\(position)", record.topic)
                    guard inserted.affectedRows == 1 else { return }
                    if let schemaError, try await handler.refuse(record, error: schemaError, transaction: transaction) {
                        logger.info("refused with a reply to its sender instead of a dead letter")
                        return
                    }
                    try await transaction.publish(letter, id: "dlq:\(context.service.rawValue):\(position)")
                }
                return true
            } catch {
                logger.warning("could not write the dead letter, will retry", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: Self.backoff(attempt))
            }
        }
        return false
    }

    static func isTransient(_ error: any Error) -> Bool {
        switch error {
        case let error as PostgresError: error.isRetriable || error.isConnectionLost || error.code == .connectionFailed
        case let error as KafkaError: error.isRetriable
        case is RetryLater, is CancellationError: true
        default: false
        }
    }

    static func backoff(_ attempt: Int) -> Duration {
        .milliseconds(min(5_000, 50 << min(attempt, 7)) + Int.random(in: 0...50))
    }
}
