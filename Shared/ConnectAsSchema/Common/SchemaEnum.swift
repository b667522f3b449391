/// A closed set of wire values.
///
/// Decoding is strict on purpose: an unknown value (a role, a status, a denial code this build does not know) is a
/// ``SchemaError/Code/invalidValue`` naming the allowed values, and the consumer sends the message to the dead-letter
/// topic, from where it can be replayed once the consumer is upgraded. Silently mapping it to a catch-all would let a
/// policy decision or an audit record lose its meaning. New values therefore ship to consumers before producers.
public protocol SchemaEnum: RawRepresentable, CaseIterable, Codable, Sendable, Hashable where RawValue == String {}

extension SchemaEnum {
    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(rawValue: raw) else {
            throw SchemaError.invalidValue(
                at: decoder.codingPath, expected: "one of " + Self.allCases.map(\.rawValue).joined(separator: ", "),
                found: "\"\(raw)\"", "not a known \(Self.self) value")
        }
        self = value
    }
}
