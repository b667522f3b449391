import Foundation

extension OdooRuntime {
    /// The argv of a host command as a person types it for a tool: either the wire's own form, a JSON array
    /// (`["/opt/odoo/odoo-bin", "-c", "/etc/odoo/odoo.conf"]`), or words separated by white space. No shell ever
    /// parses the command, so the word form refuses quotes and backslashes rather than guess what they meant: an
    /// argument holding a space must be given in the array form.
    public static func hostArguments(parsing text: String) throws(SchemaError) -> [String] {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let arguments: [String]
        if trimmed.hasPrefix("[") {
            guard let array = try? JSONDecoder().decode([String].self, from: Data(trimmed.utf8)) else {
                throw SchemaError(
                    code: .invalidValue, path: "runtime.command", expected: "a JSON array of strings", found: text,
                    message: "not a JSON array of strings")
            }
            arguments = array
        } else {
            if let quote = trimmed.first(where: { "\"'\\".contains($0) }) {
                throw SchemaError(
                    code: .invalidValue, path: "runtime.command", expected: "words without quotes, or a JSON array",
                    found: text, message: "\(quote) is not parsed: give the command as a JSON array")
            }
            arguments = trimmed.split(whereSeparator: \.isWhitespace).map(String.init)
        }
        guard !arguments.isEmpty, !arguments.contains(where: { $0.isEmpty }) else {
            throw SchemaError(
                code: .invalidValue, path: "runtime.command", expected: "at least one non-empty argument", found: text,
                message: "the host command is empty")
        }
        return arguments
    }
}
