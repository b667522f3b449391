import Foundation

/// The one error this module throws: a message that cannot become a typed value, or a value that cannot be encoded.
///
/// A consumer puts the message on the dead-letter topic with ``code`` and ``description`` and moves on, so the error
/// carries everything an operator needs to see there without the original bytes: where (``path``), what was expected,
/// what was found, and which event it was, when the envelope was readable enough to tell.
public struct SchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: Code
    /// Dotted path into the JSON document, e.g. `data.actor.email` or `data.users[2].login`; empty for the root,
    /// nil when the error is not about one place (malformed JSON).
    public var path: String?
    /// What the schema wanted there: a JSON type, a list of allowed values, a version.
    public var expected: String?
    /// What the message had instead, when it is short enough to repeat.
    public var found: String?
    /// A sentence for humans; never parse it.
    public var message: String
    /// Envelope attributes of the failed message, when they could be read, so a service can still answer the request.
    public var eventId: String?
    public var eventType: String?
    public var correlationId: String?

    public init(
        code: Code, path: String? = nil, expected: String? = nil, found: String? = nil, message: String,
        eventId: String? = nil, eventType: String? = nil, correlationId: String? = nil
    ) {
        self.code = code
        self.path = path
        self.expected = expected
        self.found = found.map(Self.quotable)
        self.message = message
        self.eventId = eventId
        self.eventType = eventType
        self.correlationId = correlationId
    }

    /// What is repeated of an offending value: short, and with control characters escaped, so that a 1 MB or
    /// NUL-laden value cannot make the error (a dead letter's reason, a log line) large or unreadable.
    static func quotable(_ value: String) -> String {
        var text = ""
        for scalar in value.unicodeScalars.prefix(80) {
            if scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value) {
                text += String(format: "\\u%04x", scalar.value)
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        return value.unicodeScalars.count > 80 ? text + "… (\(value.utf8.count) bytes)" : text
    }

    public var description: String {
        var text = code.rawValue
        if let path { text += " at \(path.isEmpty ? "(root)" : path)" }
        text += ": \(message)"
        if let expected { text += " (expected \(expected)" + (found.map { ", found \($0)" } ?? "") + ")" }
        if let eventType { text += " [type \(eventType)]" }
        if let eventId { text += " [id \(eventId)]" }
        return text
    }
}
