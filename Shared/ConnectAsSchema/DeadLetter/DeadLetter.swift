import Foundation

/// A record a consumer could not process, published to `connectas.dlq` with the reason so the consumer can move on
/// and an operator can inspect, fix and replay it.
///
/// The original key and value are kept byte for byte up to a bound (``maxCopiedPayloadBytes`` of the value,
/// ``maxCopiedKeyBytes`` of the key), so that a dead letter is always small enough to publish: as text when they are
/// valid UTF-8 (readable in any Kafka tool), as base64 otherwise, with `keyEncoding` / `payloadEncoding` saying
/// which. `payloadSize` and `payloadSha256` describe the whole original value.
public struct DeadLetter: MessagePayload {
    public static let eventType = EventType("connectas.dlq.DeadLetter", version: 1)
    public static let defaultTopic = DefaultTopic.deadLetters

    public var originalTopic: String
    public var partition: Int32
    public var offset: Int64
    /// Absent when the original record had no key.
    public var key: Data?
    /// The original value, or its first ``maxCopiedPayloadBytes`` when it was larger.
    public var payload: Data
    /// The size of the whole original value, in bytes.
    public var payloadSize: Int
    /// SHA-256 of the whole original value, lowercase hex; absent when the producer of the letter could not hash.
    public var payloadSha256: String?
    /// Stable and machine-readable, e.g. a ``SchemaError/Code`` raw value such as `schema.missing_field`.
    public var errorCode: String
    public var reason: String
    /// The consumer that gave up, e.g. `audit-writer`.
    public var service: String
    public var failedAt: Date
    /// Envelope attributes of the original, when it was readable that far.
    public var originalEventId: String?
    public var originalEventType: String?
    public var correlationId: String?

    public static let maxCopiedPayloadBytes = 64 * 1024
    public static let maxCopiedKeyBytes = 1024
    public static let maxReasonCharacters = 4096

    public init(
        originalTopic: String, partition: Int32, offset: Int64, key: Data?, payload: Data, errorCode: String,
        reason: String, service: String, failedAt: Date, originalEventId: String? = nil,
        originalEventType: String? = nil,
        correlationId: String? = nil, payloadSha256: String? = nil
    ) {
        self.originalTopic = originalTopic
        self.partition = partition
        self.offset = offset
        self.key = key.map { $0.prefix(Self.maxCopiedKeyBytes) }
        self.payload = payload.prefix(Self.maxCopiedPayloadBytes)
        self.payloadSize = payload.count
        self.payloadSha256 = payloadSha256
        self.errorCode = errorCode
        self.reason = String(reason.prefix(Self.maxReasonCharacters))
        self.service = service
        self.failedAt = RFC3339.normalized(failedAt)
        self.originalEventId = originalEventId.map { String($0.prefix(256)) }
        self.originalEventType = originalEventType.map { String($0.prefix(256)) }
        self.correlationId = correlationId.map { String($0.prefix(256)) }
    }

    /// The usual case: the record did not decode.
    public init(
        originalTopic: String, partition: Int32, offset: Int64, key: Data?, payload: Data, error: SchemaError,
        service: String, failedAt: Date
    ) {
        self.init(
            originalTopic: originalTopic, partition: partition, offset: offset, key: key, payload: payload,
            errorCode: error.code.rawValue, reason: error.description, service: service, failedAt: failedAt,
            originalEventId: error.eventId, originalEventType: error.eventType, correlationId: error.correlationId)
    }

    enum CodingKeys: String, CodingKey {
        case originalTopic = "originalTopic"
        case partition = "partition"
        case offset = "offset"
        case key = "key"
        case keyEncoding = "keyEncoding"
        case payload = "payload"
        case payloadEncoding = "payloadEncoding"
        case payloadSize = "payloadSize"
        case payloadSha256 = "payloadSha256"
        case errorCode = "errorCode"
        case reason = "reason"
        case service = "service"
        case failedAt = "failedAt"
        case originalEventId = "originalEventId"
        case originalEventType = "originalEventType"
        case correlationId = "correlationId"
    }
}

/// How raw bytes are written into a JSON string.
enum ByteEncoding: String, SchemaEnum {
    case utf8 = "utf8"
    case base64 = "base64"

    static func encode(_ bytes: Data) -> (String, ByteEncoding) {
        if let text = String(validating: bytes, as: UTF8.self) { return (text, .utf8) }
        return (bytes.base64EncodedString(), .base64)
    }
}

extension DeadLetter {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        originalTopic = try container.identifier(.originalTopic)
        partition = try container.required(.partition)
        offset = try container.required(.offset)
        if let keyText: String = try container.optional(.key) {
            key = try Self.bytes(keyText, encoding: container.required(.keyEncoding), at: container, .key)
        } else {
            key = nil
        }
        payload = try Self.bytes(
            container.required(.payload), encoding: container.required(.payloadEncoding), at: container, .payload)
        payloadSize = try container.optional(.payloadSize) ?? payload.count
        payloadSha256 = try container.optional(.payloadSha256)
        errorCode = try container.identifier(.errorCode)
        reason = try container.required(.reason)
        service = try container.identifier(.service)
        failedAt = try container.timestamp(.failedAt)
        originalEventId = try container.optional(.originalEventId)
        originalEventType = try container.optional(.originalEventType)
        correlationId = try container.optional(.correlationId)
    }

    private static func bytes(
        _ text: String, encoding: ByteEncoding, at container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys
    ) throws -> Data {
        switch encoding {
        case .utf8:
            return Data(text.utf8)
        case .base64:
            guard let bytes = Data(base64Encoded: text) else {
                throw SchemaError.invalidValue(
                    at: container.codingPath + [key], expected: "base64", found: nil, "not valid base64")
            }
            return bytes
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(originalTopic, forKey: .originalTopic)
        try container.encode(partition, forKey: .partition)
        try container.encode(offset, forKey: .offset)
        if let key {
            let (text, encoding) = ByteEncoding.encode(key)
            try container.encode(text, forKey: .key)
            try container.encode(encoding, forKey: .keyEncoding)
        }
        let (text, encoding) = ByteEncoding.encode(payload)
        try container.encode(text, forKey: .payload)
        try container.encode(encoding, forKey: .payloadEncoding)
        try container.encode(payloadSize, forKey: .payloadSize)
        try container.encodeIfPresent(payloadSha256, forKey: .payloadSha256)
        try container.encode(errorCode, forKey: .errorCode)
        try container.encode(reason, forKey: .reason)
        try container.encode(service, forKey: .service)
        try container.encodeTimestamp(failedAt, forKey: .failedAt)
        try container.encodeIfPresent(originalEventId, forKey: .originalEventId)
        try container.encodeIfPresent(originalEventType, forKey: .originalEventType)
        try container.encodeIfPresent(correlationId, forKey: .correlationId)
    }

    /// Unique per original record, so dead-lettering the same record twice (after a crash) yields the same key.
    public var partitionKey: String { "\(originalTopic)/\(partition)/\(offset)" }
    public var subject: String? { originalEventId }
    public var asMessage: ConnectAsMessage { .deadLetter(self) }
}
