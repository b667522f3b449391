import ConnectAsSSH

/// The one error type of ConnectAsOdoo: why an operation of the Odoo script did not give a result.
///
/// Two families share it. Refusals come from the script itself (`ok: false` with a stable code: the target is
/// archived, protected, …) and ``isRefusal`` is true; the others are about getting there (SSH, the shell, the result
/// line). ``isRetriable`` says whether running the same operation again later may succeed; every operation is
/// idempotent, so retrying is always safe.
public struct OdooShellError: Error, Sendable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        // Refusals, the script's codes (connectas_shell.py).
        /// No Odoo user with that id or login.
        public static let userNotFound = Code("user_not_found")
        /// The user is archived.
        public static let userInactive = Code("user_inactive")
        /// id 1, `__system__`: never a target.
        public static let userIsSuperuser = Code("user_is_superuser")
        /// A portal or public user.
        public static let userIsShare = Code("user_is_share")
        /// The target's login or e-mail is the actor's own e-mail.
        public static let ownAccount = Code("own_account")
        /// The target is in `base.group_system` and administrators are protected.
        public static let administratorProtected = Code("administrator_protected")
        /// The session once created for this request id is gone (ended, revoked or invalidated): not re-created.
        public static let sessionGone = Code("session_gone")
        /// The request id already has a session for another user.
        public static let requestConflict = Code("request_conflict")
        /// The script refused the request itself: a bug on this side.
        public static let badRequest = Code("bad_request")
        public static let unsupportedVersion = Code("unsupported_version")
        /// Discuss is not installed, so there is no inbox to notify.
        public static let mailNotInstalled = Code("mail_not_installed")
        public static let deleteFailed = Code("delete_failed")
        /// Anything else that went wrong inside Odoo (the message has the exception's class).
        public static let internalError = Code("internal")

        // Getting there.
        /// Something on the command line (container, database, command) does not match its pattern; nothing ran.
        public static let invalidIdentifier = Code("invalid_identifier")
        /// The server presented a host key other than the pinned one; nothing was sent to it. Never retried.
        public static let hostKeyMismatch = Code("host_key_mismatch")
        public static let sshAuthenticationFailed = Code("ssh_authentication_failed")
        /// TCP or the SSH handshake failed.
        public static let sshUnreachable = Code("ssh_unreachable")
        /// The connection broke, a channel was refused, or the key store's key is unusable.
        public static let sshFailed = Code("ssh_failed")
        public static let timeout = Code("timeout")
        /// `odoo shell` did not start or died before answering (its exit status and stderr are in the message).
        public static let shellFailed = Code("shell_failed")
        /// The shell answered something other than exactly one well-formed result line.
        public static let protocolError = Code("protocol_error")
    }

    public let code: Code
    /// For operators; it may quote Odoo's stderr, never a session id, a token or a key.
    public let message: String
    /// True when the script refused (``Code`` is one of its codes).
    public let isRefusal: Bool
    public let isRetriable: Bool
    /// The SSH failure underneath, when there was one.
    public let ssh: SSHError?

    public init(
        _ code: Code, _ message: String, isRefusal: Bool = false, isRetriable: Bool = false, ssh: SSHError? = nil
    ) {
        self.code = code
        self.message = message
        self.isRefusal = isRefusal
        self.isRetriable = isRetriable
        self.ssh = ssh
    }

    /// A refusal reported by the script. Errors inside Odoo (`internal`, `delete_failed`) may pass, e.g. a locked
    /// database; the rest will not.
    static func refusal(code: String, message: String) -> OdooShellError {
        let code = Code(code)
        return OdooShellError(
            code, message, isRefusal: true, isRetriable: code == .internalError || code == .deleteFailed)
    }

    static func from(_ error: SSHError) -> OdooShellError {
        let code: Code =
            switch error.code {
            case .hostKeyMismatch, .invalidHostKeyFingerprint: .hostKeyMismatch
            case .authenticationFailed: .sshAuthenticationFailed
            case .connectFailed, .connectTimeout, .handshakeFailed: .sshUnreachable
            case .commandTimeout: .timeout
            default: .sshFailed
            }
        // A host key mismatch is never retried, whatever the SSH layer says: the server may not be ours.
        let retriable = code == .hostKeyMismatch ? false : error.isRetriable
        return OdooShellError(code, error.description, isRetriable: retriable, ssh: error)
    }

    public var description: String {
        "OdooShellError.\(code)\(isRefusal ? " (refused by Odoo)" : ""): \(message)"
    }
}
