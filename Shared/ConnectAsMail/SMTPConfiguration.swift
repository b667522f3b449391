/// Where and how an ``SMTPClient`` delivers: the server, TLS, credentials, timeouts and the sender.
///
/// `description` leaves the password out: configurations end up in logs.
public struct SMTPConfiguration: Sendable, CustomStringConvertible {
    /// How the connection is protected.
    public enum TLSMode: String, Sendable, CaseIterable {
        /// Plain text, for a relay on the same host or a test server; credentials would travel in clear.
        case none
        /// Plain connect, then STARTTLS, required: the send fails if the server does not offer it (port 587).
        case startTLS = "starttls"
        /// TLS from the first byte, SMTPS (port 465).
        case implicit

        /// The port this mode usually listens on.
        public var defaultPort: Int {
            switch self {
            case .none: 25
            case .startTLS: 587
            case .implicit: 465
            }
        }
    }

    public var host: String
    public var port: Int
    public var tls: TLSMode
    /// Both or neither: with them the client authenticates (AUTH, whichever mechanism the server and curl share).
    public var username: String?
    public var password: String?
    /// Bound on opening the connection (and the TLS handshake).
    public var connectTimeout: Duration
    /// Bound on one whole send, from connecting to the server's reply to the message.
    public var timeout: Duration
    /// The envelope sender (MAIL FROM) and the `From` header.
    public var from: MailAddress

    public init(
        host: String, port: Int? = nil, tls: TLSMode = .startTLS, username: String? = nil, password: String? = nil,
        connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(60), from: MailAddress
    ) {
        self.host = host
        self.port = port ?? tls.defaultPort
        self.tls = tls
        self.username = username
        self.password = password
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.from = from
    }

    public var description: String {
        "SMTPConfiguration(host: \(host), port: \(port), tls: \(tls.rawValue), "
            + "username: \(username ?? "-"), from: \(from.address))"
    }

    /// The URL curl connects to: `smtp://` or `smtps://`, IPv6 literals in brackets.
    var url: String {
        let scheme = tls == .implicit ? "smtps" : "smtp"
        let hostPart = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(scheme)://\(hostPart):\(port)"
    }

    func validated() throws(MailError) -> SMTPConfiguration {
        let hostIsValid =
            !host.isEmpty
            && !host.unicodeScalars.contains {
                $0.properties.isWhitespace || "/?#@".unicodeScalars.contains($0) || !$0.isASCII
            }
        guard hostIsValid else {
            throw MailError(.invalidConfiguration, message: "\"\(host)\" is not an SMTP host name", isRetriable: false)
        }
        guard (1...65535).contains(port) else {
            throw MailError(.invalidConfiguration, message: "port \(port) is out of range", isRetriable: false)
        }
        guard (username == nil) == (password == nil) else {
            throw MailError(
                .invalidConfiguration, message: "set both the SMTP username and password, or neither",
                isRetriable: false)
        }
        return self
    }
}
