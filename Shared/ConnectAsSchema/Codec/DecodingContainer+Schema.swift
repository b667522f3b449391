import Foundation

/// The value rules every message shares, applied while decoding so that the error carries the field's path.
///
/// Identifiers (ids, e-mail addresses, logins, host names) must not be blank: a blank one would key a session or an
/// audit record by nothing. Free text (reasons, messages, user agents) may be empty: whether a reason is long enough is
/// a policy decision that must reach the platform as a denial, not vanish into the dead-letter topic.
extension KeyedDecodingContainer {
    func required<T: Decodable>(_ key: Key) throws -> T {
        try decode(T.self, forKey: key)
    }

    func optional<T: Decodable>(_ key: Key) throws -> T? {
        try decodeIfPresent(T.self, forKey: key)
    }

    func identifier(_ key: Key) throws -> String {
        let value = try decode(String.self, forKey: key)
        try Self.checkIdentifier(value, at: codingPath + [key])
        return value
    }

    func optionalIdentifier(_ key: Key) throws -> String? {
        guard let value = try decodeIfPresent(String.self, forKey: key) else { return nil }
        try Self.checkIdentifier(value, at: codingPath + [key])
        return value
    }

    func identifiers(_ key: Key) throws -> [String] {
        let values = try decode([String].self, forKey: key)
        for (index, value) in values.enumerated() {
            try Self.checkIdentifier(value, at: codingPath + [key, IndexKey(index)])
        }
        return values
    }

    func timestamp(_ key: Key) throws -> Date {
        let text = try decode(String.self, forKey: key)
        guard let date = RFC3339.date(from: text) else {
            throw SchemaError.invalidValue(
                at: codingPath + [key], expected: "RFC 3339 timestamp", found: text, "not an RFC 3339 timestamp")
        }
        return date
    }

    func integer(_ key: Key, in range: ClosedRange<Int>) throws -> Int {
        let value = try decode(Int.self, forKey: key)
        try Self.check(value, in: range, at: codingPath + [key])
        return value
    }

    func optionalInteger(_ key: Key, in range: ClosedRange<Int>) throws -> Int? {
        guard let value = try decodeIfPresent(Int.self, forKey: key) else { return nil }
        try Self.check(value, in: range, at: codingPath + [key])
        return value
    }

    private static func checkIdentifier(_ value: String, at path: [any CodingKey]) throws {
        if value.allSatisfy(\.isWhitespace) {
            throw SchemaError.invalidValue(at: path, expected: "non-empty string", found: "\"\(value)\"", "is empty")
        }
        if value.count > FieldRules.identifierMaxLength {
            throw SchemaError.invalidValue(
                at: path, expected: "at most \(FieldRules.identifierMaxLength) characters", found: value, "too long")
        }
        if FieldRules.hasControlCharacter(value) {
            throw SchemaError.invalidValue(
                at: path, expected: "no control characters", found: value, "holds a control character")
        }
    }

    private static func check(_ value: Int, in range: ClosedRange<Int>, at path: [any CodingKey]) throws {
        if !range.contains(value) {
            let upper = range.upperBound == .max ? "" : "\(range.upperBound)"
            throw SchemaError.invalidValue(
                at: path, expected: "integer in \(range.lowerBound)...\(upper)", found: "\(value)", "out of range")
        }
    }
}

extension KeyedEncodingContainer {
    mutating func encodeTimestamp(_ date: Date, forKey key: Key) throws {
        guard RFC3339.isRepresentable(date) else {
            throw EncodingError.invalidValue(
                date,
                EncodingError.Context(
                    codingPath: codingPath + [key], debugDescription: "RFC 3339 cannot write years outside 0001-9999"))
        }
        try encode(RFC3339.string(from: date), forKey: key)
    }
}

/// An array position in a coding path, spelled the way Foundation spells its own so paths render alike.
struct IndexKey: CodingKey {
    let intValue: Int?
    let stringValue: String

    init(_ index: Int) {
        intValue = index
        stringValue = "Index \(index)"
    }

    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.init(intValue) }
}

/// A key known only at run time (dictionary keys such as role names), for error paths.
struct NamedKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }

    init(_ name: String) {
        stringValue = name
    }

    init?(stringValue: String) { self.init(stringValue) }
    init?(intValue: Int) { nil }
}
