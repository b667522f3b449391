import Foundation

/// A CloudEvents 1.0 event in structured JSON mode around a typed payload.
///
/// `specversion` and `datacontenttype` are fixed and `type` follows from the payload, so none of them can be set
/// wrong; decoding checks all three.
public struct CloudEvent<Payload: MessagePayload>: Sendable, Equatable {
    public static var specVersion: String { "1.0" }
    public static var dataContentType: String { "application/json" }

    public var attributes: EnvelopeAttributes
    public var data: Payload

    public var type: EventType { Payload.eventType }
    public var id: String {
        get { attributes.id }
        set { attributes.id = newValue }
    }
    public var source: String {
        get { attributes.source }
        set { attributes.source = newValue }
    }
    public var time: Date {
        get { attributes.time }
        set { attributes.time = newValue }
    }
    public var subject: String? {
        get { attributes.subject }
        set { attributes.subject = newValue }
    }
    public var correlationId: String? {
        get { attributes.correlationId }
        set { attributes.correlationId = newValue }
    }

    public init(attributes: EnvelopeAttributes, data: Payload) {
        self.attributes = attributes
        self.data = data
    }

    /// Wraps a payload with `subject` and `correlationid` taken from it. Pass a stable `id` when the event may be
    /// built more than once for the same occurrence (e.g. derived from the request id), so consumers deduplicate it.
    public init(_ data: Payload, source: String, id: String = UUID().uuidString.lowercased(), time: Date = Date()) {
        self.init(
            attributes: EnvelopeAttributes(
                id: id, source: source, time: time, subject: data.subject, correlationId: data.correlationId),
            data: data)
    }
}

extension CloudEvent: Codable {
    enum CodingKeys: String, CodingKey {
        case specVersion = "specversion"
        case id
        case source
        case type
        case time
        case subject
        case dataContentType = "datacontenttype"
        case correlationId = "correlationid"
        case data
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let specVersion = try container.identifier(.specVersion)
        guard specVersion == Self.specVersion else {
            throw SchemaError(
                code: .unsupportedSpecVersion, path: "specversion", expected: Self.specVersion, found: specVersion,
                message: "only CloudEvents 1.0 is supported")
        }
        let type = try container.identifier(.type)
        guard type == Payload.eventType.rawValue else {
            throw SchemaError(
                code: .unexpectedType, path: "type", expected: Payload.eventType.rawValue, found: type,
                message: "the message is not a \(Payload.self)")
        }
        // Absent means JSON in structured mode; anything else would mean `data` is not what we are about to read.
        if let contentType = try container.decodeIfPresent(String.self, forKey: .dataContentType) {
            let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) }
            guard mediaType?.lowercased() == Self.dataContentType else {
                throw SchemaError(
                    code: .invalidValue, path: "datacontenttype", expected: Self.dataContentType, found: contentType,
                    message: "data must be JSON")
            }
        }
        self.init(
            attributes: EnvelopeAttributes(
                id: try container.identifier(.id),
                source: try container.identifier(.source),
                // Optional in CloudEvents, required here: the audit trail orders and reports by it.
                time: try container.timestamp(.time),
                subject: try container.optionalIdentifier(.subject),
                correlationId: try container.optionalIdentifier(.correlationId)),
            data: try container.decode(Payload.self, forKey: .data))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.specVersion, forKey: .specVersion)
        try container.encode(id, forKey: .id)
        try container.encode(source, forKey: .source)
        try container.encode(type.rawValue, forKey: .type)
        try container.encodeTimestamp(time, forKey: .time)
        try container.encodeIfPresent(subject, forKey: .subject)
        try container.encode(Self.dataContentType, forKey: .dataContentType)
        try container.encodeIfPresent(correlationId, forKey: .correlationId)
        try container.encode(data, forKey: .data)
    }
}
