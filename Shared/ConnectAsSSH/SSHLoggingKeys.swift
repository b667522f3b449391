/// Metadata keys this module puts on log records.
enum SSHLoggingKeys {
    static let host = "ssh.host"
    static let port = "ssh.port"
    static let user = "ssh.user"
    static let connection = "ssh.connection.id"
    static let command = "ssh.command"
    static let libssh2Code = "ssh.libssh2.code"
    static let error = "ssh.error"
}
