import ConnectAsSchema

/// Why a command is refused: the stable code the platform and a SIEM branch on, a sentence a person can read, and
/// for rate limits when trying again can succeed.
public struct Denial: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: DenialCode
    public var message: String
    public var retryAfterSeconds: Int?

    public init(_ code: DenialCode, _ message: String, retryAfterSeconds: Int? = nil) {
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
