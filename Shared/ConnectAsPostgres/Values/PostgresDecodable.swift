import Foundation

/// A Swift type a column's value can be read as, from PostgreSQL's text output format.
///
/// Errors thrown by `init` say what is wrong without quoting the value; ``PostgresRow`` adds the column.
public protocol PostgresDecodable: Sendable {
    init(postgresText text: String, type: PostgresDataType) throws
    /// What SQL NULL reads as; `nil` (the default) makes NULL a decoding error.
    static var postgresNull: Self? { get }
}

extension PostgresDecodable {
    public static var postgresNull: Self? { nil }
}

private func failure(_ reason: String) -> PostgresError {
    PostgresError(.decodingFailed, message: reason)
}

extension String: PostgresDecodable {
    public init(postgresText text: String, type: PostgresDataType) throws { self = text }
}

extension Int: PostgresDecodable {
    public init(postgresText text: String, type: PostgresDataType) throws {
        guard let value = Int(text) else { throw failure("not an integer in Int's range") }
        self = value
    }
}

extension Int64: PostgresDecodable {
    public init(postgresText text: String, type: PostgresDataType) throws {
        guard let value = Int64(text) else { throw failure("not an integer in Int64's range") }
        self = value
    }
}

extension Int32: PostgresDecodable {
    public init(postgresText text: String, type: PostgresDataType) throws {
        guard let value = Int32(text) else { throw failure("not an integer in Int32's range") }
        self = value
    }
}

extension Bool: PostgresDecodable {
    public init(postgresText text: String, type: PostgresDataType) throws {
        switch text {
        case "t", "true": self = true
        case "f", "false": self = false
        default: throw failure("not a boolean")
        }
    }
}

extension Double: PostgresDecodable {
    public init(postgresText text: String, type: PostgresDataType) throws {
        // Double(String) reads PostgreSQL's "NaN", "Infinity" and "-Infinity" as well.
        guard let value = Double(text) else { throw failure("not a floating-point number") }
        self = value
    }
}

extension Date: PostgresDecodable {
    public init(postgresText text: String, type: PostgresDataType) throws {
        self = try PostgresTimestamp.parse(text)
    }
}

extension UUID: PostgresDecodable {
    public init(postgresText text: String, type: PostgresDataType) throws {
        guard let value = UUID(uuidString: text) else { throw failure("not a UUID") }
        self = value
    }
}

extension Data: PostgresDecodable {
    public init(postgresText text: String, type: PostgresDataType) throws {
        // Connections set bytea_output = hex, so bytea arrives as \x and two hex digits a byte.
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x"), bytes.count % 2 == 0
        else { throw failure("not bytea in hex format") }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var data = Data(capacity: (bytes.count - 2) / 2)
        var index = 2
        while index < bytes.count {
            guard let high = nibble(bytes[index]), let low = nibble(bytes[index + 1]) else {
                throw failure("not bytea in hex format")
            }
            data.append(high << 4 | low)
            index += 2
        }
        self = data
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public init(postgresText text: String, type: PostgresDataType) throws {
        self = .some(try Wrapped(postgresText: text, type: type))
    }
    public static var postgresNull: Self? { .some(.none) }
}
