import Foundation

/// A JSON document as text, sent as `jsonb` and read from `json` or `jsonb` columns.
///
/// A wrapper rather than String so that a parameter is typed as JSON and the server checks it.
public struct PostgresJSON: Sendable, Hashable, PostgresEncodable, PostgresDecodable {
    public var text: String

    public init(_ text: String) { self.text = text }

    /// Encodes `value` with `encoder` (sorted keys by default, so equal values give equal text).
    public init<T: Encodable>(encoding value: T, encoder: JSONEncoder = PostgresJSON.defaultEncoder()) throws {
        self.text = String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    public func decode<T: Decodable>(_ type: T.Type, decoder: JSONDecoder = JSONDecoder()) throws -> T {
        try decoder.decode(type, from: Data(text.utf8))
    }

    public static func defaultEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    public static var postgresType: PostgresDataType { .jsonb }
    public var postgresText: String? { text }

    public init(postgresText text: String, type: PostgresDataType) throws { self.text = text }
}
