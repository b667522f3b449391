import CLibSSH2
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// When the loop acts without being asked: pending requests and operations past their deadline, keep-alives, and
/// how long and for what it waits next.
extension ConnectionLoop {
    func expirePending(reason: String) {
        let now = ContinuousClock.now
        pending.removeAll { request in
            if request.isFinished { return true }
            if request.isCancelled {
                request.finish(.failure(CancellationError()))
                return true
            }
            if now >= request.deadline {
                request.finish(
                    .failure(
                        SSHError(
                            .commandTimeout, "the command did not start within \(request.timeout.readable): \(reason)"))
                )
                return true
            }
            return false
        }
    }

    func expireOperations(now: ContinuousClock.Instant) {
        for operation in operations where operation.isAwaited {
            guard let request = operation.request else { continue }
            if request.isCancelled {
                operation.abort(CancellationError())
            } else if now >= request.deadline {
                operation.abort(
                    SSHError(
                        .commandTimeout,
                        "the command did not finish within \(request.timeout.readable); its channel was closed (libssh2 1.10 "
                            + "cannot signal it, so it may still run on the server)"))
            }
        }
    }

    /// libssh2 1.10 builds a keep-alive on its stack and cannot finish one it could only half send, so one is sent
    /// only when no packet is pending and the socket has room.
    func sendKeepAliveIfDue(_ session: LibSSH2Session, now: ContinuousClock.Instant) -> LibSSH2Failure? {
        guard let due = nextKeepAlive, now >= due, owner == nil, !session.outboundBlocked else { return nil }
        guard session.socket.isWritable else {
            nextKeepAlive = now + .seconds(1)
            return nil
        }
        switch session.sendKeepAlive() {
        case .done(let seconds): nextKeepAlive = now + .seconds(max(1, seconds))
        case .wouldBlock: nextKeepAlive = now + .seconds(1)
        case .failed(let failure): return failure
        }
        guard !session.outboundBlocked else {
            return LibSSH2Failure(code: LIBSSH2_ERROR_SOCKET_SEND, message: "a keep-alive could not be sent whole")
        }
        return nil
    }

    func waitPlan(_ session: LibSSH2Session, now: ContinuousClock.Instant) -> (Int16, ContinuousClock.Instant?)
    {
        var events = Int16(POLLIN)
        if owner != nil {
            events = Int16(POLLOUT)
        } else if session.outboundBlocked || wantsWritable {
            events |= Int16(POLLOUT)
        }
        var deadlines = pending.map(\.deadline)
        for operation in operations where operation.state != .abandoned {
            if operation.isAwaited, let request = operation.request { deadlines.append(request.deadline) }
            if operation.state == .closing, let closeDeadline = operation.closeDeadline {
                deadlines.append(closeDeadline)
            }
        }
        if let nextKeepAlive { deadlines.append(nextKeepAlive) }
        if isIdle, let idleTimeout = configuration.idleTimeout { deadlines.append(idleSince + idleTimeout) }
        if let ownerSince { deadlines.append(ownerSince + Self.stalledSendLimit) }
        // A deadline already past is one whose action waits for the socket (a keep-alive behind a half-sent
        // packet, a close waiting for room); waking for it again at once would only spin.
        return (events, earliest(deadlines.filter { $0 > now }))
    }

    /// Why a connection with no command running should close, given what its socket reported.
    func idleSocketProblem(_ events: Int16, _ socket: TCPSocket) -> String? {
        if events & (Int16(POLLERR) | Int16(POLLHUP) | Int16(POLLNVAL)) != 0 { return "the socket failed or hung up" }
        guard events & Int16(POLLIN) != 0 else { return nil }
        switch socket.peekClosed() {
        case true?: return "the server closed the connection"
        // Nothing reads while no channel is open (libssh2 has no public call for it), so unread input would wake
        // the loop forever; a server rarely speaks unasked, and the next command simply reconnects.
        case false?: return "the server sent data while no command was running"
        case nil: return nil
        }
    }

    func earliest(_ instants: [ContinuousClock.Instant]) -> ContinuousClock.Instant? {
        instants.min()
    }
}
