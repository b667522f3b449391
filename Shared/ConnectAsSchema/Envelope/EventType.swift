/// A CloudEvents `type`: a dotted name and a version, written `name.vN`
/// (`connectas.command.InitiateSession.v1`).
///
/// The version is part of the type so that a breaking change is a new type that old consumers refuse clearly
/// (``SchemaError/Code/unsupportedVersion``) instead of misreading; additive changes (new optional fields) keep it.
public struct EventType: Hashable, Sendable, CustomStringConvertible {
    /// Everything before the version, e.g. `connectas.event.SessionRedeemed`.
    public let name: String
    public let version: Int

    public init(_ name: String, version: Int) {
        self.name = name
        self.version = version
    }

    /// Splits `name.vN`; nil when the string has no version suffix.
    public init?(parsing raw: String) {
        guard let dot = raw.lastIndex(of: "."), raw[raw.index(after: dot)...].hasPrefix("v") else { return nil }
        let digits = raw[raw.index(dot, offsetBy: 2)...]
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let version = Int(digits), version > 0,
            !raw[..<dot].isEmpty
        else { return nil }
        self.init(String(raw[..<dot]), version: version)
    }

    /// The wire form, the value of the envelope's `type` attribute.
    public var rawValue: String { "\(name).v\(version)" }

    public var description: String { rawValue }
}

/// Written as its wire form, so a type can sit in a record (e.g. an outbox row or a dead letter) as the same string.
extension EventType: Codable {
    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = EventType(parsing: raw) else {
            throw SchemaError.invalidValue(
                at: decoder.codingPath, expected: "name.vN", found: raw, "not a versioned event type")
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
