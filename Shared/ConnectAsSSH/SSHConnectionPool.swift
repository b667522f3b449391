import Foundation
import Logging
import Synchronization

/// Runs commands on servers over SSH, keeping one connection per server (host, port, user, pinned host key) and
/// sharing it among all concurrent callers.
///
/// Connections open on first use, run up to ``SSHClientConfiguration/maxChannelsPerConnection`` commands at once
/// (the rest wait their turn in order), close after ``SSHClientConfiguration/idleTimeout`` without commands, and
/// are replaced when they break. A command that never reached the server because its connection had just broken
/// is run once more on a fresh connection. Call ``shutdown()`` when done.
public final class SSHConnectionPool: Sendable {
    private struct State {
        var connections: [SSHTarget: SSHConnection] = [:]
        var nextConnectionID = 1
        var isShutDown = false
    }

    public let configuration: SSHClientConfiguration
    private let logger: Logger
    private let state = Mutex(State())
    private let statistics = SSHConnectionStatistics()

    public init(configuration: SSHClientConfiguration = SSHClientConfiguration(), logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    deinit {
        let connections = state.withLock { Array($0.connections.values) }
        for connection in connections { connection.requestClose(.shutdown) }
    }

    /// Runs `command` on `target` with `stdin` as its standard input, and returns its output and exit status.
    ///
    /// `command` must be a fixed string chosen by the program: data belongs on `stdin`, never in the command line.
    /// A non-zero exit status is a result, not an error. Throws ``SSHError`` (or `CancellationError`).
    ///
    /// - Parameter timeout: bounds the whole call, waiting for a connection or a channel included; on expiry the
    ///   command's channel is closed and other commands on the connection carry on. Defaults to
    ///   ``SSHClientConfiguration/commandTimeout``.
    public func exec(
        on target: SSHTarget, credentials: SSHCredentials, command: String, stdin: Data = Data(),
        timeout: Duration? = nil
    ) async throws -> SSHExecResult {
        try Task.checkCancellation()
        let timeout = timeout ?? configuration.commandTimeout
        let deadline = ContinuousClock.now + timeout
        var mayRetry = true
        while true {
            try Task.checkCancellation()
            let connection = try connection(for: target, credentials: credentials)
            let request = ExecRequest(command: command, stdin: stdin, timeout: timeout, deadline: deadline)
            do {
                return try await request.run(on: connection)
            } catch let error as SSHError where error.retryOnFreshConnection && mayRetry {
                mayRetry = false
                logger.debug(
                    "SSH command not sent; retrying on a fresh connection",
                    metadata: [SSHLoggingKeys.host: "\(target.host)", SSHLoggingKeys.error: "\(error)"])
                discard(connection)
            }
        }
    }

    /// A handle bound to one server, for code that talks to a single target.
    public func client(for target: SSHTarget, credentials: SSHCredentials) -> SSHClient {
        SSHClient(pool: self, target: target, credentials: credentials)
    }

    /// Connections established since the pool was created (each is one TCP connection).
    public var connectionsEstablished: Int { statistics.connectionsEstablished }

    /// Connections open right now.
    public var openConnections: Int { statistics.openConnections }

    /// Fails every waiting and running command with `shutDown`, closes every connection, and returns when all are
    /// closed. Stop submitting work (and wait for what matters) before calling it; later calls to `exec` throw.
    public func shutdown() async {
        let connections = state.withLock { state in
            state.isShutDown = true
            defer { state.connections = [:] }
            return Array(state.connections.values)
        }
        for connection in connections { connection.requestClose(.shutdown) }
        for connection in connections { await connection.waitUntilFinished() }
    }

    private func connection(for target: SSHTarget, credentials: SSHCredentials) throws(SSHError) -> SSHConnection {
        let (connection, isNew) = try state.withLock { state throws(SSHError) -> (SSHConnection, Bool) in
            guard !state.isShutDown else { throw SSHError(.shutDown, "the SSH connection pool was shut down") }
            if let existing = state.connections[target], existing.isAcceptingWork { return (existing, false) }
            let id = state.nextConnectionID
            state.nextConnectionID += 1
            let connection = SSHConnection(
                id: id, target: target, credentials: credentials, configuration: configuration, logger: logger,
                statistics: statistics
            ) { [weak self] finished in self?.remove(finished) }
            state.connections[target] = connection
            return (connection, true)
        }
        if isNew { connection.start() }
        return connection
    }

    /// Stops routing work to `connection`; it closes once its running commands are done.
    private func discard(_ connection: SSHConnection) {
        remove(connection)
        connection.requestClose(.retire)
    }

    private func remove(_ connection: SSHConnection) {
        state.withLock { state in
            if state.connections[connection.target] === connection {
                state.connections[connection.target] = nil
            }
        }
    }
}
