import Foundation

/// A Swift value that can be sent as a query parameter (`$1`…`$n`), in PostgreSQL's text format.
///
/// Parameters travel apart from the SQL text (`PQexecParams`), so no value is ever spliced into a statement.
public protocol PostgresEncodable: Sendable {
    /// The type the parameter is declared as; ``PostgresDataType/unspecified`` lets the server infer it.
    static var postgresType: PostgresDataType { get }
    /// The value in PostgreSQL's text input syntax; `nil` sends SQL NULL.
    var postgresText: String? { get }
}

// Strings are left for the server to type, so a String can fill a text, varchar, uuid or enum parameter alike.
extension String: PostgresEncodable {
    public static var postgresType: PostgresDataType { .unspecified }
    public var postgresText: String? { self }
}

extension Int: PostgresEncodable {
    public static var postgresType: PostgresDataType { .int8 }
    public var postgresText: String? { String(self) }
}

extension Int64: PostgresEncodable {
    public static var postgresType: PostgresDataType { .int8 }
    public var postgresText: String? { String(self) }
}

extension Int32: PostgresEncodable {
    public static var postgresType: PostgresDataType { .int4 }
    public var postgresText: String? { String(self) }
}

extension Bool: PostgresEncodable {
    public static var postgresType: PostgresDataType { .bool }
    public var postgresText: String? { self ? "true" : "false" }
}

extension Double: PostgresEncodable {
    public static var postgresType: PostgresDataType { .float8 }
    public var postgresText: String? {
        // Swift spells these "nan" and "inf"; PostgreSQL's input syntax wants its own words.
        if isNaN { return "NaN" }
        if isInfinite { return self < 0 ? "-Infinity" : "Infinity" }
        return "\(self)"
    }
}

extension Date: PostgresEncodable {
    public static var postgresType: PostgresDataType { .timestamptz }
    public var postgresText: String? { PostgresTimestamp.format(self) }
}

extension UUID: PostgresEncodable {
    public static var postgresType: PostgresDataType { .uuid }
    public var postgresText: String? { uuidString }
}

extension Data: PostgresEncodable {
    public static var postgresType: PostgresDataType { .bytea }
    public var postgresText: String? {
        // bytea's hex input format: \x followed by two hex digits a byte.
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = [UInt8(ascii: "\\"), UInt8(ascii: "x")]
        bytes.reserveCapacity(2 + count * 2)
        for byte in self {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public static var postgresType: PostgresDataType { Wrapped.postgresType }
    public var postgresText: String? { self.flatMap { $0.postgresText } }
}
