import CRdKafka
import Logging
import Synchronization

/// What librdkafka calls back into: the target of the configuration's opaque pointer.
///
/// librdkafka calls the log callback from its own threads and the others from whichever thread polls; every
/// member is immutable and `Sendable`, so any thread may use it. The owning ``RDKafkaClient`` keeps this object
/// alive until `rd_kafka_destroy` has returned, so the unretained opaque pointer never dangles.
final class RDKafkaEvents: Sendable {
    typealias DeliveryHandler = @Sendable (_ messageID: UInt, _ result: Result<KafkaDeliveryReport, KafkaError>) -> Void
    typealias RebalanceHandler =
        @Sendable (
            _ handle: OpaquePointer, _ event: rd_kafka_resp_err_t,
            _ partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>
        ) -> Void

    let logger: Logger
    /// The last "could not connect" line librdkafka logged, to say why no broker answered.
    let lastConnectionFailure = Mutex<String?>(nil)
    /// When false, librdkafka logs client errors itself instead of queueing them for a poll nobody makes (admin).
    let servesErrors: Bool
    let onDelivery: DeliveryHandler?
    let onRebalance: RebalanceHandler?

    init(
        logger: Logger, servesErrors: Bool, onDelivery: DeliveryHandler? = nil, onRebalance: RebalanceHandler? = nil
    ) {
        self.logger = logger
        self.servesErrors = servesErrors
        self.onDelivery = onDelivery
        self.onRebalance = onRebalance
    }

    func install(on conf: OpaquePointer) {
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(self).toOpaque())
        rd_kafka_conf_set_log_cb(conf, rdKafkaLogCallback)
        if servesErrors { rd_kafka_conf_set_error_cb(conf, rdKafkaErrorCallback) }
        if onDelivery != nil { rd_kafka_conf_set_dr_msg_cb(conf, rdKafkaDeliveryCallback) }
        if onRebalance != nil { rd_kafka_conf_set_rebalance_cb(conf, rdKafkaRebalanceCallback) }
    }

    static func from(_ opaque: UnsafeMutableRawPointer?) -> RDKafkaEvents? {
        opaque.map { Unmanaged<RDKafkaEvents>.fromOpaque($0).takeUnretainedValue() }
    }

    /// syslog(3) levels, as librdkafka uses them, to swift-log's.
    static func logLevel(syslog level: Int32) -> Logger.Level {
        switch level {
        case ...2: .critical
        case 3: .error
        case 4: .warning
        case 5: .notice
        case 6: .info
        default: .debug
        }
    }
}

// C function pointers cannot capture context: each callback finds its RDKafkaEvents through the opaque pointer.

private func rdKafkaLogCallback(
    _ handle: OpaquePointer?, _ level: Int32, _ facility: UnsafePointer<CChar>?, _ text: UnsafePointer<CChar>?
) {
    guard let handle, let events = RDKafkaEvents.from(rd_kafka_opaque(handle)) else { return }
    if let facility, let text, String(cString: facility) == "FAIL" {
        events.lastConnectionFailure.withLock { $0 = String(cString: text) }
    }
    let swiftLevel = RDKafkaEvents.logLevel(syslog: level)
    guard events.logger.logLevel <= swiftLevel else { return }
    events.logger.log(
        level: swiftLevel, "\(text.map { String(cString: $0) } ?? "")",
        metadata: [
            KafkaLoggingKeys.client: "\(String(cString: rd_kafka_name(handle)))",
            KafkaLoggingKeys.facility: "\(facility.map { String(cString: $0) } ?? "")",
        ])
}

private func rdKafkaErrorCallback(
    _ handle: OpaquePointer?, _ code: Int32, _ reason: UnsafePointer<CChar>?, _ opaque: UnsafeMutableRawPointer?
) {
    guard let handle, let events = RDKafkaEvents.from(opaque) else { return }
    let err = rd_kafka_resp_err_t(code)
    // librdkafka recovers from all but fatal errors by itself (reconnects, retries): those are warnings.
    let level: Logger.Level = err == RD_KAFKA_RESP_ERR__FATAL ? .critical : .warning
    events.logger.log(
        level: level, "Kafka client error: \(reason.map { String(cString: $0) } ?? "")",
        metadata: [
            KafkaLoggingKeys.client: "\(String(cString: rd_kafka_name(handle)))",
            KafkaLoggingKeys.error: "\(String(cString: rd_kafka_err2name(err)))",
        ])
}

private func rdKafkaDeliveryCallback(
    _ handle: OpaquePointer?, _ message: UnsafePointer<rd_kafka_message_t>?, _ opaque: UnsafeMutableRawPointer?
) {
    guard let handle, let message, let onDelivery = RDKafkaEvents.from(opaque)?.onDelivery else { return }
    let messageID = UInt(bitPattern: message.pointee._private)
    onDelivery(messageID, RDKafkaClient.deliveryResult(handle: handle, message: message))
}

private func rdKafkaRebalanceCallback(
    _ handle: OpaquePointer?, _ event: rd_kafka_resp_err_t,
    _ partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, _ opaque: UnsafeMutableRawPointer?
) {
    guard let handle, let partitions, let onRebalance = RDKafkaEvents.from(opaque)?.onRebalance else { return }
    onRebalance(handle, event, partitions)
}
