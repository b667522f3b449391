/// The one error type of ConnectAsSSH.
///
/// `code` says what went wrong, in a set that may grow; `libssh2Code` and `libssh2Message` carry libssh2's own
/// report (`libssh2_session_last_error`) when it has one. `isRetriable` is true when trying again later, on a new
/// connection, may succeed.
public struct SSHError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Backing: String, Hashable, Sendable {
            case connectFailed, connectTimeout, handshakeFailed, hostKeyMismatch, invalidHostKeyFingerprint
            case authenticationFailed, privateKeyUnusable, connectionLost, channelFailed, commandTimeout
            case outputTooLarge, shutDown
        }

        let backing: Backing
        init(_ backing: Backing) { self.backing = backing }

        /// Name resolution or TCP connect failed (refused, unreachable).
        public static var connectFailed: Code { Code(.connectFailed) }
        /// TCP connect, handshake and authentication did not finish within the connect timeout.
        public static var connectTimeout: Code { Code(.connectTimeout) }
        /// The SSH handshake failed (not an SSH server, no algorithm in common, protocol error).
        public static var handshakeFailed: Code { Code(.handshakeFailed) }
        /// The server presented a host key other than the pinned one; nothing was sent to it.
        public static var hostKeyMismatch: Code { Code(.hostKeyMismatch) }
        /// The pinned fingerprint is not `SHA256:` and the base64 of 32 bytes.
        public static var invalidHostKeyFingerprint: Code { Code(.invalidHostKeyFingerprint) }
        /// The server refused the key for this user.
        public static var authenticationFailed: Code { Code(.authenticationFailed) }
        /// The private key could not be read or decoded (missing file, unsupported format, wrong passphrase).
        public static var privateKeyUnusable: Code { Code(.privateKeyUnusable) }
        /// The connection broke; the command may or may not have run.
        public static var connectionLost: Code { Code(.connectionLost) }
        /// The server refused to open a channel or to run the command on it.
        public static var channelFailed: Code { Code(.channelFailed) }
        /// The command did not finish in time; its channel was closed (other commands are unaffected).
        public static var commandTimeout: Code { Code(.commandTimeout) }
        /// The command wrote more than `maxOutputBytes` on stdout or stderr.
        public static var outputTooLarge: Code { Code(.outputTooLarge) }
        /// The pool was shut down.
        public static var shutDown: Code { Code(.shutDown) }

        public var description: String { backing.rawValue }
    }

    public let code: Code
    public let message: String
    /// libssh2's error code (`LIBSSH2_ERROR_*`, negative), when libssh2 reported the failure.
    public let libssh2Code: Int32?
    /// libssh2's message for `libssh2Code`.
    public let libssh2Message: String?
    /// For `hostKeyMismatch`: the pinned fingerprint.
    public let expectedFingerprint: String?
    /// For `hostKeyMismatch`: the fingerprint of the key the server presented.
    public let actualFingerprint: String?
    public let isRetriable: Bool
    public let file: String
    public let line: UInt

    /// True when the command was never sent, on a connection that had already been in use: the pool then runs it
    /// once more on a fresh connection, which is safe because nothing reached the server.
    let retryOnFreshConnection: Bool

    init(
        _ backing: Code.Backing, _ message: String, libssh2: LibSSH2Failure? = nil, expectedFingerprint: String? = nil,
        actualFingerprint: String? = nil, retriable: Bool? = nil, retryOnFreshConnection: Bool = false,
        file: String = #fileID, line: UInt = #line
    ) {
        self.code = Code(backing)
        self.message = message
        self.libssh2Code = libssh2?.code
        self.libssh2Message = libssh2?.message
        self.expectedFingerprint = expectedFingerprint
        self.actualFingerprint = actualFingerprint
        self.isRetriable = retriable ?? Self.retriableByDefault(backing)
        self.retryOnFreshConnection = retryOnFreshConnection
        self.file = file
        self.line = line
    }

    private static func retriableByDefault(_ backing: Code.Backing) -> Bool {
        switch backing {
        case .connectFailed, .connectTimeout, .handshakeFailed, .connectionLost, .channelFailed, .commandTimeout:
            true
        case .hostKeyMismatch, .invalidHostKeyFingerprint, .authenticationFailed, .privateKeyUnusable,
            .outputTooLarge, .shutDown:
            false
        }
    }

    /// The same error, marked for one more attempt on a fresh connection.
    func retryingOnFreshConnection() -> SSHError {
        SSHError(
            code.backing, message, libssh2: libssh2Code.map { LibSSH2Failure(code: $0, message: libssh2Message ?? "") },
            expectedFingerprint: expectedFingerprint, actualFingerprint: actualFingerprint, retriable: isRetriable,
            retryOnFreshConnection: true, file: file, line: line)
    }

    public var description: String {
        var text = "SSHError.\(code): \(message)"
        if let libssh2Code {
            text += " (libssh2 \(libssh2Code)\(libssh2Message.map { $0.isEmpty ? "" : ": \($0)" } ?? ""))"
        }
        return text
    }
}
