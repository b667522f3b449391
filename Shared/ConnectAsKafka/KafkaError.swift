import CRdKafka

/// The one error type of the Kafka client.
///
/// `code` says what the client was doing; `rdKafkaCode`/`rdKafkaCodeName` carry librdkafka's own error when there
/// is one, so an operator can look it up. Callers decide to retry from `isRetriable`, and to stop from `isFatal`.
public struct KafkaError: Error, Sendable, CustomStringConvertible {
    /// Open-ended: new codes can be added without breaking a caller's `switch`, which must not be exhaustive.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The librdkafka on this machine is too old to talk to the broker reliably.
        public static let unsupportedLibrary = Code("unsupportedLibrary")
        /// librdkafka refused a configuration property or its value.
        public static let configuration = Code("configuration")
        /// No broker answered within the connect timeout.
        public static let brokerUnreachable = Code("brokerUnreachable")
        /// librdkafka did not accept a message for sending.
        public static let produce = Code("produce")
        /// A message was accepted but the broker did not acknowledge it.
        public static let delivery = Code("delivery")
        /// Fetching from the group failed.
        public static let consume = Code("consume")
        /// Subscribing to topics failed.
        public static let subscribe = Code("subscribe")
        /// Storing or committing an offset failed.
        public static let commit = Code("commit")
        /// Reading committed offsets or metadata failed.
        public static let query = Code("query")
        /// A topic admin request failed.
        public static let admin = Code("admin")
        /// The client is shutting down or has shut down.
        public static let shutdown = Code("shutdown")
        /// An operation did not finish within its timeout.
        public static let timeout = Code("timeout")
    }

    public let code: Code
    public let message: String
    /// librdkafka's `rd_kafka_resp_err_t`, when the error came from librdkafka.
    public let rdKafkaCode: Int32?
    /// librdkafka's name for `rdKafkaCode` (`rd_kafka_err2name`, e.g. `_TRANSPORT`, `TOPIC_ALREADY_EXISTS`).
    public let rdKafkaCodeName: String?
    public let isFatal: Bool
    public let isRetriable: Bool
    public let file: String
    public let line: UInt

    public init(
        code: Code, message: String, rdKafkaCode: Int32? = nil, rdKafkaCodeName: String? = nil,
        isFatal: Bool = false, isRetriable: Bool = false, file: String = #fileID, line: UInt = #line
    ) {
        self.code = code
        self.message = message
        self.rdKafkaCode = rdKafkaCode
        self.rdKafkaCodeName = rdKafkaCodeName
        self.isFatal = isFatal
        self.isRetriable = isRetriable
        self.file = file
        self.line = line
    }

    public var description: String {
        var text = "KafkaError.\(code): \(message)"
        if let rdKafkaCodeName, let rdKafkaCode { text += " [\(rdKafkaCodeName) (\(rdKafkaCode))]" }
        if isFatal { text += " (fatal)" }
        return text
    }
}

extension KafkaError {
    /// An error from a librdkafka response code; `detail` is added to librdkafka's own text when given.
    static func rdKafka(
        _ code: Code, _ err: rd_kafka_resp_err_t, _ context: String, detail: String? = nil,
        file: String = #fileID, line: UInt = #line
    ) -> KafkaError {
        let text = detail ?? String(cString: rd_kafka_err2str(err))
        return KafkaError(
            code: code, message: "\(context): \(text)", rdKafkaCode: err.rawValue,
            rdKafkaCodeName: String(cString: rd_kafka_err2name(err)), isFatal: err == RD_KAFKA_RESP_ERR__FATAL,
            isRetriable: err.isRetriable, file: file, line: line)
    }

    /// An error from an `rd_kafka_error_t`, which it destroys: librdkafka hands ownership to the caller.
    static func rdKafka(
        _ code: Code, consuming error: OpaquePointer, _ context: String, file: String = #fileID, line: UInt = #line
    ) -> KafkaError {
        defer { rd_kafka_error_destroy(error) }
        let err = rd_kafka_error_code(error)
        return KafkaError(
            code: code, message: "\(context): \(String(cString: rd_kafka_error_string(error)))",
            rdKafkaCode: err.rawValue, rdKafkaCodeName: String(cString: rd_kafka_error_name(error)),
            isFatal: rd_kafka_error_is_fatal(error) != 0, isRetriable: rd_kafka_error_is_retriable(error) != 0,
            file: file, line: line)
    }
}

extension rd_kafka_resp_err_t {
    /// Response codes that describe a passing condition (a broker restarting, a leader moving, a rebalance) rather
    /// than a mistake: the same request is expected to succeed later.
    var isRetriable: Bool {
        switch self {
        case RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT,
            RD_KAFKA_RESP_ERR__QUEUE_FULL, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, RD_KAFKA_RESP_ERR__WAIT_COORD,
            RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION, RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC,
            RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE,
            RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
            RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION, RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS,
            RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_NOT_COORDINATOR,
            RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND,
            RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS, RD_KAFKA_RESP_ERR_KAFKA_STORAGE_ERROR:
            return true
        default:
            return false
        }
    }
}
