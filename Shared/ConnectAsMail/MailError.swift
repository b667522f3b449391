/// Everything that can go wrong sending mail: one error type for the module, with curl's own code and text, the
/// last SMTP reply code, and whether trying again later can succeed.
public struct MailError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure; open-ended, so new kinds do not break callers that switch over it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// No TCP connection to the server (nothing listening, host unknown, network down).
        public static let connectionFailed = Code("connection_failed")
        /// The connection or the whole transaction took longer than the configured timeouts.
        public static let timeout = Code("timeout")
        /// TLS could not be set up: handshake, certificate verification, or STARTTLS not offered.
        public static let tlsFailed = Code("tls_failed")
        /// The server refused the credentials.
        public static let authenticationFailed = Code("authentication_failed")
        /// The server answered a command (MAIL FROM, RCPT TO, DATA or the message) with an error reply.
        public static let rejected = Code("rejected")
        /// The connection broke or the server answered nonsense in the middle of the conversation.
        public static let connectionLost = Code("connection_lost")
        /// The message cannot be sent as it is (a header with a line break, an address that is not one).
        public static let invalidMessage = Code("invalid_message")
        /// The client's settings cannot work (bad host, port or URL).
        public static let invalidConfiguration = Code("invalid_configuration")
        /// libcurl failed in a way none of the above describes.
        public static let internalError = Code("internal_error")
    }

    public let code: Code
    /// For people: what failed, with curl's detailed message when it gave one.
    public let message: String
    /// libcurl's `CURLcode`, when the failure came from libcurl.
    public let curlCode: Int?
    /// `curl_easy_strerror` of ``curlCode``.
    public let curlMessage: String?
    /// The last reply code the server sent (e.g. 450, 550), when it got that far.
    public let smtpReplyCode: Int?
    /// Whether the same message may go through later: connection failures, timeouts and 4xx replies are transient;
    /// 5xx replies, bad messages and bad settings are not.
    public let isRetriable: Bool

    public init(
        _ code: Code, message: String, curlCode: Int? = nil, curlMessage: String? = nil, smtpReplyCode: Int? = nil,
        isRetriable: Bool
    ) {
        self.code = code
        self.message = message
        self.curlCode = curlCode
        self.curlMessage = curlMessage
        self.smtpReplyCode = smtpReplyCode
        self.isRetriable = isRetriable
    }

    public var description: String {
        var text = "MailError.\(code): \(message)"
        if let curlCode { text += " (curl \(curlCode)" + (curlMessage.map { ": \($0)" } ?? "") + ")" }
        if let smtpReplyCode { text += " [SMTP \(smtpReplyCode)]" }
        return text + (isRetriable ? ", retriable" : ", permanent")
    }

    static func invalidMessage(_ message: String) -> MailError {
        MailError(.invalidMessage, message: message, isRetriable: false)
    }
}
