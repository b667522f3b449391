/// What went wrong, machine-readable, for ``SessionFailed`` and ``RequestFailedReply``.
public enum FailureCode: String, SchemaEnum {
    /// The command could not be read (the reply's counterpart of a dead-lettered command).
    case invalidCommand = "invalid_command"
    case hostUnreachable = "host_unreachable"
    /// The server's key does not match the pinned SHA-256 fingerprint; the connection was refused.
    case hostKeyMismatch = "host_key_mismatch"
    case sshAuthenticationFailed = "ssh_authentication_failed"
    case sshChannelError = "ssh_channel_error"
    /// `odoo shell` did not start or exited with an error.
    case odooShellFailed = "odoo_shell_failed"
    /// `odoo shell` ran but its answer was not the expected marker line.
    case odooProtocolError = "odoo_protocol_error"
    case odooVersionUnsupported = "odoo_version_unsupported"
    case databaseNotFound = "database_not_found"
    case timeout = "timeout"
    case internalError = "internal_error"
}
