import CLibSSH2
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// How the loop fails, retires and closes its connection, and what it tells the requests still waiting.
extension ConnectionLoop {
    /// Takes no new work; running commands finish, waiting ones go to a fresh connection.
    func retire(_ code: SSHError.Code.Backing, _ reason: String, libssh2: LibSSH2Failure? = nil) {
        retiring = true
        pending += connection.stopAccepting()
        failPending(
            SSHError(
                code, "the connection to \(target) takes no more commands: \(reason)", libssh2: libssh2,
                retryOnFreshConnection: true))
    }

    func failConnection(_ failure: LibSSH2Failure) {
        logger.warning(
            "SSH connection lost",
            metadata: [SSHLoggingKeys.libssh2Code: "\(failure.code)", SSHLoggingKeys.error: "\(failure.message)"])
        for operation in operations where operation.isAwaited {
            let sent = operation.commandSent
            operation.abort(
                SSHError(
                    .connectionLost,
                    "the connection to \(target) broke "
                        + (sent ? "while the command ran" : "before the command was sent"),
                    libssh2: failure, retryOnFreshConnection: !sent))
        }
        failPending(
            SSHError(
                .connectionLost, "the connection to \(target) broke before the command was sent", libssh2: failure,
                retryOnFreshConnection: true))
        teardown(graceful: false)
    }

    func failPending(_ error: SSHError) {
        for request in pending { request.finish(.failure(error)) }
        pending = []
    }

    func closeError(_ request: SSHConnection.CloseRequest) -> SSHError {
        switch request {
        case .shutdown: SSHError(.shutDown, "the SSH connection pool was shut down")
        case .retire:
            SSHError(
                .connectionLost, "the connection to \(target) was closed before the command was sent",
                retryOnFreshConnection: true)
        }
    }

    func teardown(graceful: Bool) {
        guard let session else { return }
        if graceful, owner == nil, !session.outboundBlocked { session.disconnect() }
        session.socket.shutdownBothWays()
        for operation in operations where operation.isAwaited {
            operation.abort(SSHError(.connectionLost, "the connection to \(target) was closed"))
        }
        operations.removeAll()
        owner = nil
        ownerSince = nil
        self.session = nil
    }

    func finish() {
        pending += connection.stopAccepting(connectFailure: connectFailure)
        failPending(connectFailure ?? closeError(.retire))
        teardown(graceful: false)
        if established {
            statistics.connectionClosed()
            logger.debug("SSH connection closed")
        }
        connection.loopFinished()
    }
}
