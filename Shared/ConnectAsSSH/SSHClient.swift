import Foundation

/// Commands on one server through a shared ``SSHConnectionPool``.
public struct SSHClient: Sendable {
    public let pool: SSHConnectionPool
    public let target: SSHTarget
    public let credentials: SSHCredentials

    public init(pool: SSHConnectionPool, target: SSHTarget, credentials: SSHCredentials) {
        self.pool = pool
        self.target = target
        self.credentials = credentials
    }

    /// See ``SSHConnectionPool/exec(on:credentials:command:stdin:timeout:)``.
    public func exec(command: String, stdin: Data = Data(), timeout: Duration? = nil) async throws -> SSHExecResult {
        try await pool.exec(on: target, credentials: credentials, command: command, stdin: stdin, timeout: timeout)
    }
}
