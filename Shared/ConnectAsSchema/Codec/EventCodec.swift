import Foundation

/// The one way in and out of the wire format: bytes to typed messages and back.
///
/// Decoding never traps and throws only ``SchemaError``; unknown fields are ignored (producers may add optional fields
/// without a new version). Encoding is deterministic (sorted keys, fixed timestamp format), so the same message always
/// becomes the same bytes, which the audit's hash chain and idempotent producers rely on.
public enum EventCodec {
    /// The largest record any consumer of the suite reads (256 KiB); a larger one is refused as
    /// ``SchemaError/Code/tooLarge``, still labelled with its envelope's `id`, `type` and `correlationid`.
    public static let maxRecordBytes = 256 * 1024
    /// The deepest nesting of arrays and objects a record may have; no message of the suite needs more than 8.
    public static let maxDepth = 32

    /// Reads any message of the suite, choosing its type from the envelope's `type`.
    public static func decode(_ bytes: some DataProtocol) throws(SchemaError) -> DecodedEvent {
        let data = Data(bytes)
        let header = try readHeader(data)
        guard let payloadType = registry[header.type] else { throw unknownType(header) }
        return try withSchemaErrors(header) { try decodeEvent(payloadType, from: data) }
    }

    /// Reads a message that must be of one type, e.g. a record of `platform.orgs`; any other type is
    /// ``SchemaError/Code/unexpectedType`` (or unknown / unsupported, when it is not ours).
    public static func decode<Payload: MessagePayload>(
        _ type: Payload.Type, from bytes: some DataProtocol
    ) throws(SchemaError) -> CloudEvent<Payload> {
        let data = Data(bytes)
        let header = try readHeader(data)
        guard registry[header.type] != nil else { throw unknownType(header) }
        return try withSchemaErrors(header) { try makeDecoder().decode(CloudEvent<Payload>.self, from: data) }
    }

    public static func encode<Payload>(_ event: CloudEvent<Payload>) throws(SchemaError) -> Data {
        try withSchemaErrors(nil) { try makeEncoder().encode(event) }
    }

    public static func encode(_ event: DecodedEvent) throws(SchemaError) -> Data {
        try withSchemaErrors(nil) { try encodeOpened(event.message.payload, attributes: event.attributes) }
    }

    private static func encodeOpened<Payload: MessagePayload>(
        _ payload: Payload, attributes: EnvelopeAttributes
    ) throws -> Data {
        try makeEncoder().encode(CloudEvent(attributes: attributes, data: payload))
    }

    // MARK: - Internals

    private static let registry: [String: any MessagePayload.Type] = Dictionary(
        uniqueKeysWithValues: ConnectAsMessage.allPayloadTypes.map { ($0.eventType.rawValue, $0) })

    // Closures, not key paths: a key path over `any MessagePayload.Type` crashes the Swift 6.3 compiler.
    private static let knownNames: [String: [Int]] = Dictionary(
        grouping: ConnectAsMessage.allPayloadTypes.map { $0.eventType }, by: { $0.name }
    ).mapValues { $0.map(\.version).sorted() }

    private static func decodeEvent<Payload: MessagePayload>(
        _ type: Payload.Type, from data: Data
    ) throws -> DecodedEvent {
        DecodedEvent(try makeDecoder().decode(CloudEvent<Payload>.self, from: data))
    }

    /// The attributes needed to pick a type and to label an error, read before the payload so that a bad payload
    /// still yields an error that names its event and request.
    struct Header {
        var id: String?
        var type: String
        var correlationid: String?
    }

    private struct Probe: Decodable {
        var specversion: String?
        var id: String?
        var type: String?
        var correlationid: String?
    }

    private static func readHeader(_ data: Data) throws(SchemaError) -> Header {
        let shape = JSONShape.scan(Array(data), maxDepth: maxDepth)
        func labelled(_ code: SchemaError.Code, path: String?, expected: String?, _ message: String) -> SchemaError {
            SchemaError(
                code: code, path: path, expected: expected, message: message, eventId: shape.envelope["id"],
                eventType: shape.envelope["type"], correlationId: shape.envelope["correlationid"])
        }
        switch shape.problem {
        case .tooDeep:
            throw labelled(.tooDeep, path: nil, expected: "at most \(maxDepth) levels", "nested too deep")
        case .duplicateKey(let path):
            throw labelled(.duplicateKey, path: path, expected: "each key once", "the key appears twice")
        case .notJSON:
            throw SchemaError(code: .malformedJSON, message: "not valid JSON")
        case nil:
            break
        }
        if data.count > maxRecordBytes {
            throw labelled(
                .tooLarge, path: nil, expected: "at most \(maxRecordBytes) bytes", "the record has \(data.count) bytes")
        }
        let probe = try withSchemaErrors(nil) { try makeDecoder().decode(Probe.self, from: data) }
        func error(_ code: SchemaError.Code, _ path: String, expected: String?, found: String?, _ message: String)
            -> SchemaError
        {
            SchemaError(
                code: code, path: path, expected: expected, found: found, message: message, eventId: probe.id,
                eventType: probe.type, correlationId: probe.correlationid)
        }
        guard let specversion = probe.specversion else {
            throw error(.missingField, "specversion", expected: "1.0", found: nil, "not a CloudEvent: no specversion")
        }
        guard specversion == "1.0" else {
            throw error(
                .unsupportedSpecVersion, "specversion", expected: "1.0", found: specversion,
                "only CloudEvents 1.0 is supported")
        }
        guard let type = probe.type else {
            throw error(.missingField, "type", expected: nil, found: nil, "required field \"type\" is missing")
        }
        return Header(id: probe.id, type: type, correlationid: probe.correlationid)
    }

    private static func unknownType(_ header: Header) -> SchemaError {
        if let parsed = EventType(parsing: header.type), let versions = knownNames[parsed.name] {
            return SchemaError(
                code: .unsupportedVersion, path: "type", expected: versions.map { "v\($0)" }.joined(separator: ", "),
                found: "v\(parsed.version)", message: "\(parsed.name) is known, but not in version \(parsed.version)",
                eventId: header.id, eventType: header.type, correlationId: header.correlationid)
        }
        return SchemaError(
            code: .unknownType, path: "type", found: header.type, message: "not a message type of this schema",
            eventId: header.id, eventType: header.type, correlationId: header.correlationid)
    }

    private static func withSchemaErrors<T>(_ header: Header?, _ body: () throws -> T) throws(SchemaError) -> T {
        var error: SchemaError
        do {
            return try body()
        } catch let schemaError as SchemaError {
            error = schemaError
        } catch let decodingError as DecodingError {
            error = SchemaError(decodingError)
        } catch let encodingError as EncodingError {
            error = SchemaError(code: .encodingFailed, message: "\(encodingError)")
        } catch let other {
            error = SchemaError(code: .malformedJSON, message: "\(other)")
        }
        if let header {
            error.eventId = error.eventId ?? header.id
            error.eventType = error.eventType ?? header.type
            error.correlationId = error.correlationId ?? header.correlationid
        }
        throw error
    }

    private static func makeDecoder() -> JSONDecoder {
        JSONDecoder()
    }

    private static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every timestamp is written by the types themselves; this only guards a future field that forgets to.
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.string(from: date))
        }
        return encoder
    }
}
