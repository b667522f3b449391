import CLibSSH2
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Drives one connection for its whole life on the connection's own thread: connects, then runs every command
/// over the one non-blocking libssh2 session, polling its socket and the waker, until the connection closes.
///
/// Not Sendable: it owns the session, the channels and the socket, and none of them ever leaves this thread.
/// Its deadlines and keep-alive are in `ConnectionLoop+Deadlines.swift`, failing and closing in
/// `ConnectionLoop+Teardown.swift`.
final class ConnectionLoop {
    /// Who must make the next libssh2 call because a packet is half-sent (see ``ExecOperation``).
    enum Owner {
        case openChannel
        case operation(ExecOperation)
        case session
    }

    enum Round {
        case progressed, idle, blocked
        case failed(LibSSH2Failure)
    }

    let connection: SSHConnection
    let credentials: SSHCredentials
    let configuration: SSHClientConfiguration
    let logger: Logger
    let statistics: SSHConnectionStatistics
    let target: SSHTarget
    var session: LibSSH2Session?
    var established = false
    /// Why connecting failed; requests that reach the connection afterwards get the same answer.
    var connectFailure: SSHError?
    var pending: [ExecRequest] = []
    var operations: [ExecOperation] = []
    var owner: Owner?
    /// Since when ``owner`` has been waiting to finish its packet, and how often it was retried in vain.
    var ownerSince: ContinuousClock.Instant?
    var fruitlessRetries = 0
    /// Some operation waits for the socket to have room before it sends (see ExecOperation.Step.awaitingWritable).
    var wantsWritable = false
    var channelOpening = false
    var retiring = false
    var idleSince = ContinuousClock.now
    var nextKeepAlive: ContinuousClock.Instant?
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 32 * 1024, alignment: 16)

    init(
        connection: SSHConnection, credentials: SSHCredentials, configuration: SSHClientConfiguration, logger: Logger,
        statistics: SSHConnectionStatistics
    ) {
        self.connection = connection
        self.credentials = credentials
        self.configuration = configuration
        self.logger = logger
        self.statistics = statistics
        self.target = connection.target
    }

    deinit {
        buffer.deallocate()
    }

    func run() {
        defer { finish() }
        guard let session = connect() else { return }
        self.session = session
        established = true
        statistics.connectionEstablished()
        logger.info("SSH connection established", metadata: ["ssh.libssh2.version": "\(LibSSH2.version)"])
        serve(session)
    }

    // MARK: Connecting

    func connect() -> LibSSH2Session? {
        let connector = Connector(
            target: target, credentials: credentials, timeout: configuration.connectTimeout, logger: logger)
        var socketEvents: Int16 = 0
        while true {
            let (requests, closeRequest) = connection.takeInbox()
            pending += requests
            if let closeRequest {
                failPending(closeError(closeRequest))
                return nil
            }
            expirePending(reason: "the connection to \(target) was still being set up")
            switch connector.step(socketEvents: socketEvents) {
            case .established(let session):
                return session
            case .failed(let error):
                logger.warning("SSH connection failed", metadata: [SSHLoggingKeys.error: "\(error)"])
                connectFailure = error
                failPending(error)
                return nil
            case .wait(let events):
                let deadline = earliest([connector.wakeUp] + pending.map(\.deadline))
                socketEvents =
                    pollSocket(connector.socketFD, events: events, waker: connection.waker, until: deadline)
                    .socketEvents
            }
        }
    }

    // MARK: Serving

    func serve(_ session: LibSSH2Session) {
        if let interval = configuration.keepAliveInterval {
            let seconds = UInt32(clamping: max(2, interval.components.seconds))
            session.configureKeepAlive(intervalSeconds: seconds)
            session.socket.enableTCPKeepAlive(idleSeconds: Int32(seconds))
            nextKeepAlive = .now + .seconds(seconds)
        }
        var socketEvents: Int16 = 0
        var moreWork = false
        while true {
            let (requests, closeRequest) = connection.takeInbox()
            pending += requests
            switch closeRequest {
            case .shutdown?:
                let error = closeError(.shutdown)
                for operation in operations where operation.isAwaited { operation.abort(error) }
                failPending(error)
                teardown(graceful: true)
                return
            case .retire?:
                if !retiring { retire(.connectionLost, "the pool replaced it") }
            case nil:
                break
            }
            // Abandoned channels read whatever comes; with none, nothing would.
            if isIdle, operations.isEmpty, socketEvents != 0,
                let reason = idleSocketProblem(socketEvents, session.socket)
            {
                logger.debug("closing idle SSH connection", metadata: ["ssh.reason": "\(reason)"])
                teardown(graceful: false)
                return
            }

            let now = ContinuousClock.now
            expirePending(reason: "no channel of the connection to \(target) became free")
            expireOperations(now: now)
            switch advance(session) {
            case .failed(let failure):
                failConnection(failure)
                return
            case .progressed:
                moreWork = true
            case .idle, .blocked:
                moreWork = false
            }

            if isIdle {
                if retiring {
                    logger.debug("closing retired SSH connection")
                    teardown(graceful: true)
                    return
                }
                if let idleTimeout = configuration.idleTimeout, now >= idleSince + idleTimeout,
                    connection.stopAcceptingIfInboxEmpty()
                {
                    logger.debug("closing idle SSH connection", metadata: ["ssh.reason": "idle timeout"])
                    teardown(graceful: true)
                    return
                }
            } else {
                idleSince = now
            }
            if let failure = sendKeepAliveIfDue(session, now: now) {
                failConnection(failure)
                return
            }

            let (events, deadline) = waitPlan(session, now: now)
            socketEvents =
                pollSocket(session.socket.fd, events: events, waker: connection.waker, until: moreWork ? now : deadline)
                .socketEvents
        }
    }

    /// No command is waiting or running (abandoned channels do not count: see ExecOperation.State.abandoned).
    var isIdle: Bool {
        pending.isEmpty && !channelOpening && owner == nil && operations.allSatisfy { $0.state == .abandoned }
    }

    var channelsInUse: Int { operations.count { $0.state != .abandoned } }

    /// Rounds until nothing moves, a packet is stuck, or a bound is reached (then the loop polls without waiting,
    /// so new requests and cancellations are seen).
    func advance(_ session: LibSSH2Session) -> Round {
        for _ in 0..<32 {
            let result = round(session)
            guard case .progressed = result else { return result }
        }
        return .progressed
    }

    /// A half-sent packet that the socket accepts no more of for this long means the server stopped reading.
    static let stalledSendLimit: Duration = .seconds(60)
    /// Retrying a half-sent packet into a writable socket this often without finishing it means libssh2 lost it.
    private static let fruitlessRetryLimit = 1000

    func round(_ session: LibSSH2Session) -> Round {
        var progressed = false
        wantsWritable = false
        if let current = owner {
            let now = ContinuousClock.now
            if now - (ownerSince ?? now) > Self.stalledSendLimit || fruitlessRetries > Self.fruitlessRetryLimit {
                return .failed(
                    LibSSH2Failure(code: LIBSSH2_ERROR_SOCKET_SEND, message: "a packet could not be sent for too long"))
            }
            let result: Round
            switch current {
            case .openChannel: result = stepOpen(session)
            case .operation(let operation): result = apply(operation.step(buffer: buffer), of: operation)
            case .session: result = pumpSession(session)
            }
            switch result {
            case .blocked:
                if session.socket.isWritable { fruitlessRetries += 1 }
                return result
            case .failed:
                return result
            case .progressed, .idle:
                owner = nil
                ownerSince = nil
                fruitlessRetries = 0
                progressed = true
            }
        }
        switch stepOpen(session) {
        case .progressed: progressed = true
        case .idle: break
        case let other: return other
        }
        for operation in operations {
            switch apply(operation.step(buffer: buffer), of: operation) {
            case .progressed: progressed = true
            case .idle: break
            case let other: return other
            }
        }
        operations.removeAll { $0.state == .done }
        return progressed ? .progressed : .idle
    }

    func apply(_ step: ExecOperation.Step, of operation: ExecOperation) -> Round {
        switch step {
        case .progressed: return .progressed
        case .idle: return .idle
        case .awaitingWritable:
            wantsWritable = true
            return .idle
        case .outboundBlocked:
            setOwner(.operation(operation))
            logger.trace(
                "packet half-sent; retrying its call first",
                metadata: ["ssh.call": "\(operation.pendingCall.map { "\($0)" } ?? "?")"])
            return .blocked
        case .sessionPacketPending:
            setOwner(.session)
            logger.trace("libssh2's own packet half-sent; pumping input")
            return .blocked
        case .failed(let failure): return .failed(failure)
        }
    }

    func setOwner(_ newOwner: Owner) {
        if owner == nil { ownerSince = .now }
        owner = newOwner
    }

    /// Opens a channel for the oldest waiting request while the connection has room. libssh2 keeps one open in
    /// progress per session, so channels are opened one after another; requests get them in arrival order.
    func stepOpen(_ session: LibSSH2Session) -> Round {
        guard
            channelOpening
                || (!retiring && channelsInUse < configuration.maxChannelsPerConnection && !pending.isEmpty)
        else { return .idle }
        channelOpening = true
        switch session.openChannel() {
        case .done(let channel):
            channelOpening = false
            let request = pending.isEmpty ? nil : pending.removeFirst()
            operations.append(
                ExecOperation(request: request, channel: channel, maxOutputBytes: configuration.maxOutputBytes))
            if session.outboundBlocked {
                setOwner(.session)
                return .blocked
            }
            return .progressed
        case .wouldBlock:
            guard session.outboundBlocked else { return .idle }
            setOwner(.openChannel)
            return .blocked
        case .failed(let failure):
            channelOpening = false
            if failure.isPendingPacketConflict {
                setOwner(.session)
                return .blocked
            }
            guard failure.isChannelLevel else { return .failed(failure) }
            // Typically MaxSessions: sessions of commands that outlived their timeout still count on the server.
            logger.notice(
                "SSH server refused a new channel; replacing the connection",
                metadata: [SSHLoggingKeys.libssh2Code: "\(failure.code)", SSHLoggingKeys.error: "\(failure.message)"])
            retire(.channelFailed, "the server refused a new channel: \(failure.message)", libssh2: failure)
            return .progressed
        }
    }

    /// Lets libssh2 read until a packet it started on its own is out.
    func pumpSession(_ session: LibSSH2Session) -> Round {
        var pumped = false
        for operation in operations {
            guard let outcome = operation.pump() else { continue }
            pumped = true
            if case .failed(let failure) = outcome, !failure.isChannelLevel { return .failed(failure) }
            if !session.outboundBlocked { return .progressed }
        }
        if !session.outboundBlocked { return .progressed }
        guard pumped else {
            return .failed(
                LibSSH2Failure(
                    code: LIBSSH2_ERROR_SOCKET_SEND,
                    message: "a packet libssh2 started on its own could not be finished"))
        }
        setOwner(.session)
        return .blocked
    }
}
