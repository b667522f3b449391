import CRdKafka
import ConnectAsBlocking
import Logging

/// Owns one `rd_kafka_t` and the queue its blocking calls run on.
///
/// `@unchecked Sendable`: librdkafka's `rd_kafka_t` API is thread-safe (except `rd_kafka_destroy`, which only
/// `deinit` calls, once no other reference remains), and every stored property is immutable after `make`.
final class RDKafkaClient: @unchecked Sendable {
    enum Kind {
        case producer
        case consumer

        var rdKafkaType: rd_kafka_type_t {
            switch self {
            case .producer: RD_KAFKA_PRODUCER
            case .consumer: RD_KAFKA_CONSUMER
            }
        }
    }

    let handle: OpaquePointer
    /// Blocking calls on this handle (metadata, commit, close, admin requests, flush) run here, never on Swift's
    /// cooperative pool.
    let queue: BlockingQueue
    let logger: Logger
    /// `bootstrap.servers` as configured, for error messages.
    let bootstrapServers: String
    /// Kept alive for as long as librdkafka may call back into it.
    private let events: RDKafkaEvents

    private init(handle: OpaquePointer, queue: BlockingQueue, events: RDKafkaEvents, bootstrapServers: String) {
        self.handle = handle
        self.queue = queue
        self.events = events
        self.bootstrapServers = bootstrapServers
        var logger = events.logger
        logger[metadataKey: KafkaLoggingKeys.client] = "\(String(cString: rd_kafka_name(handle)))"
        self.logger = logger
    }

    /// Creates the handle on a new blocking queue (rd_kafka_new waits for librdkafka's threads to start); on
    /// failure nothing is left behind (the configuration is destroyed, no handle exists).
    static func make(kind: Kind, properties: [String: String], events: RDKafkaEvents) async throws -> RDKafkaClient {
        let queue = BlockingQueue(label: "connectas.kafka.\(kind).\(properties["client.id"] ?? "")")
        return try await queue.run {
            let conf = try RDKafkaConfig.make(properties)
            events.install(on: conf)
            var errorText = [CChar](repeating: 0, count: 512)
            // On success rd_kafka_new takes ownership of conf; on failure it is still ours.
            guard let handle = rd_kafka_new(kind.rdKafkaType, conf, &errorText, errorText.count) else {
                rd_kafka_conf_destroy(conf)
                throw KafkaError(
                    code: .configuration, message: "could not create a Kafka \(kind): \(String(cString: errorText))")
            }
            return RDKafkaClient(
                handle: handle, queue: queue, events: events, bootstrapServers: properties["bootstrap.servers"] ?? "")
        }
    }

    deinit {
        // rd_kafka_destroy blocks (it closes a consumer, waits for librdkafka's threads), so it runs on the queue,
        // which also lets any blocking call still queued finish first. `events` rides along to outlive it.
        nonisolated(unsafe) let handle = handle
        let events = events
        queue.detach {
            rd_kafka_destroy(handle)
            withExtendedLifetime(events) {}
        }
    }

    /// Fails fast when no broker answers: without this a client with a wrong address retries silently forever.
    ///
    /// Blocking: call on ``queue``.
    func probeBroker(timeout: Duration) throws {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        // Topics: none (all_topics 0, no topic handle); a broker list is enough to prove one answered.
        let err = rd_kafka_metadata(handle, 0, nil, &metadata, timeout.rdKafkaMilliseconds)
        if let metadata { rd_kafka_metadata_destroy(metadata) }
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            var detail = String(cString: rd_kafka_err2str(err))
            if let failure = events.lastConnectionFailure.withLock({ $0 }) { detail += "; last failure: \(failure)" }
            throw KafkaError.rdKafka(
                .brokerUnreachable, err, "no Kafka broker reachable at \(bootstrapServers) within \(timeout)",
                detail: detail + ". Is the broker running, and is bootstrap.servers (CONNECTAS_KAFKA_BROKERS) right?")
        }
    }

    /// Serves queued callbacks (delivery reports, errors) for up to `timeout`. Blocking.
    func poll(timeout: Duration) {
        rd_kafka_poll(handle, timeout.rdKafkaMilliseconds)
    }
}
