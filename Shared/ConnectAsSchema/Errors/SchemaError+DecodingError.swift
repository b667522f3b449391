import Foundation

extension SchemaError {
    /// Foundation reports every problem as a `DecodingError` with a coding path; this keeps the path and turns the
    /// case into a code a dead-letter reader can filter on.
    init(_ error: DecodingError) {
        switch error {
        case .keyNotFound(let key, let context):
            self.init(
                code: .missingField, path: SchemaPath.render(context.codingPath + [key]),
                message: "required field \"\(key.stringValue)\" is missing")
        case .typeMismatch(let type, let context):
            self.init(
                code: .wrongType, path: SchemaPath.render(context.codingPath), expected: Self.jsonTypeName(type),
                message: context.debugDescription)
        case .valueNotFound(let type, let context):
            self.init(
                code: .wrongType, path: SchemaPath.render(context.codingPath), expected: Self.jsonTypeName(type),
                found: "null", message: "null where a value is required")
        // Only the parser reports at the root: every value rule of this module throws its own error with a path.
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            let detail = context.underlyingError.map { " (\($0))" } ?? ""
            self.init(code: .malformedJSON, message: context.debugDescription + detail)
        case .dataCorrupted(let context):
            self.init(
                code: .invalidValue, path: SchemaPath.render(context.codingPath), message: context.debugDescription)
        @unknown default:
            self.init(code: .invalidValue, message: "\(error)")
        }
    }

    /// Names the JSON type a Swift type is read from, which is what a non-Swift producer needs to hear.
    static func jsonTypeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "string"
        case is Bool.Type: return "boolean"
        case is Int.Type, is Int32.Type, is Int64.Type, is UInt.Type, is UInt16.Type: return "integer"
        case is Double.Type, is Float.Type: return "number"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Dictionary") || name.hasPrefix("[String") { return "object" }
            if name.hasPrefix("Array") || name.hasPrefix("[") { return "array" }
            return name
        }
    }
}
