extension SchemaError {
    /// Open-ended so that adding a code later does not break anyone's exhaustive `switch`; the raw values are stable
    /// and are what a service writes into a dead-letter record's `errorCode`.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String

        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        public var description: String { rawValue }

        /// The bytes are not JSON at all.
        public static let malformedJSON = Code(rawValue: "schema.malformed_json")
        /// A required field is absent; ``SchemaError/path`` names it.
        public static let missingField = Code(rawValue: "schema.missing_field")
        /// A field has the wrong JSON type (including `null` where a value is required).
        public static let wrongType = Code(rawValue: "schema.wrong_type")
        /// The JSON type is right but the value is not allowed: empty identifier, unknown enum value, bad timestamp.
        public static let invalidValue = Code(rawValue: "schema.invalid_value")
        /// The envelope's `type` is not one this schema knows in any version.
        public static let unknownType = Code(rawValue: "schema.unknown_type")
        /// The envelope's `type` is known, but not in this version (e.g. a `.v2` reaching a consumer built for `.v1`).
        public static let unsupportedVersion = Code(rawValue: "schema.unsupported_version")
        /// The envelope is not CloudEvents 1.0.
        public static let unsupportedSpecVersion = Code(rawValue: "schema.unsupported_specversion")
        /// A typed decode asked for one message type and the bytes hold another.
        public static let unexpectedType = Code(rawValue: "schema.unexpected_type")
        /// The record is larger than ``EventCodec/maxRecordBytes``.
        public static let tooLarge = Code(rawValue: "schema.too_large")
        /// An object names the same key twice (readers disagree on which one wins, so neither is taken).
        public static let duplicateKey = Code(rawValue: "schema.duplicate_key")
        /// Arrays and objects nest deeper than ``EventCodec/maxDepth``.
        public static let tooDeep = Code(rawValue: "schema.too_deep")
        /// A value could not be turned into JSON.
        public static let encodingFailed = Code(rawValue: "schema.encoding_failed")
    }
}

extension SchemaError {
    static func invalidValue(at path: [any CodingKey], expected: String, found: String?, _ message: String) -> Self {
        SchemaError(
            code: .invalidValue, path: SchemaPath.render(path), expected: expected, found: found, message: message)
    }
}
