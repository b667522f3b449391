import ConnectAsBlocking
import Logging
import Synchronization

/// One SSH connection to one server, shared by every exec aimed at it.
///
/// This is the side callers touch: a locked inbox of submitted requests and a waker. Everything that touches
/// libssh2 happens in a ``ConnectionLoop`` that runs on the connection's own ``BlockingQueue`` for the connection's
/// whole life, so no libssh2 call ever runs on Swift's cooperative pool or on two threads at once.
final class SSHConnection: Sendable {
    enum CloseRequest: Sendable {
        /// Take no new work; close once the running commands are done.
        case retire
        /// Fail everything and close now.
        case shutdown
    }

    private struct Inbox {
        var requests: [ExecRequest] = []
        var accepting = true
        var closeRequest: CloseRequest?
        var finished = false
        var finishWaiters: [CheckedContinuation<Void, Never>] = []
        /// Why the connection could not be set up, for requests that arrive after the loop gave up.
        var connectFailure: SSHError?
    }

    let id: Int
    let target: SSHTarget
    let waker = Waker()
    private let credentials: SSHCredentials
    private let configuration: SSHClientConfiguration
    private let logger: Logger
    private let statistics: SSHConnectionStatistics
    private let queue: BlockingQueue
    private let inbox = Mutex(Inbox())
    private let onFinished: @Sendable (SSHConnection) -> Void

    init(
        id: Int, target: SSHTarget, credentials: SSHCredentials, configuration: SSHClientConfiguration, logger: Logger,
        statistics: SSHConnectionStatistics, onFinished: @escaping @Sendable (SSHConnection) -> Void
    ) {
        self.id = id
        self.target = target
        self.credentials = credentials
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: SSHLoggingKeys.host] = "\(target.host)"
        logger[metadataKey: SSHLoggingKeys.port] = "\(target.port)"
        logger[metadataKey: SSHLoggingKeys.user] = "\(target.user)"
        logger[metadataKey: SSHLoggingKeys.connection] = "\(id)"
        self.logger = logger
        self.statistics = statistics
        self.queue = BlockingQueue(label: "connectas.ssh.connection.\(id)")
        self.onFinished = onFinished
    }

    /// Starts the loop: it connects, then serves requests until the connection closes. The loop is one long job,
    /// so it holds a dispatch thread while the connection is open; idle connections close (`idleTimeout`).
    func start() {
        queue.detach { [self] in
            ConnectionLoop(
                connection: self, credentials: credentials, configuration: configuration, logger: logger,
                statistics: statistics
            ).run()
        }
    }

    var isAcceptingWork: Bool { inbox.withLock { $0.accepting } }

    /// Queues `request` for the loop, or says why the connection no longer takes work.
    func submit(_ request: ExecRequest) -> SSHError? {
        let refusal = inbox.withLock { inbox -> SSHError? in
            guard inbox.accepting else {
                return inbox.connectFailure
                    ?? SSHError(
                        .connectionLost, "the connection to \(target) closed before the command was sent",
                        retryOnFreshConnection: true)
            }
            inbox.requests.append(request)
            return nil
        }
        if refusal == nil { waker.wake() }
        return refusal
    }

    func requestClose(_ request: CloseRequest) {
        inbox.withLock { inbox in
            inbox.accepting = false
            if case .shutdown = request {
                inbox.closeRequest = .shutdown
            } else if inbox.closeRequest == nil {
                inbox.closeRequest = .retire
            }
        }
        waker.wake()
    }

    /// Returns once the loop has ended and the connection is closed.
    func waitUntilFinished() async {
        await withCheckedContinuation { continuation in
            let done = inbox.withLock { inbox in
                if inbox.finished { return true }
                inbox.finishWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    // MARK: Loop side

    /// New requests and any close request since the last call.
    func takeInbox() -> (requests: [ExecRequest], closeRequest: CloseRequest?) {
        inbox.withLock { inbox in
            defer { inbox.requests = [] }
            return (inbox.requests, inbox.closeRequest)
        }
    }

    /// Stops taking work if nothing is waiting in the inbox, for an idle close that strands nobody.
    func stopAcceptingIfInboxEmpty() -> Bool {
        inbox.withLock { inbox in
            guard inbox.requests.isEmpty else { return false }
            inbox.accepting = false
            return true
        }
    }

    /// Stops taking work and returns what was submitted but not yet taken; later submissions get
    /// `connectFailure` when there is one.
    func stopAccepting(connectFailure: SSHError? = nil) -> [ExecRequest] {
        inbox.withLock { inbox in
            inbox.accepting = false
            inbox.connectFailure = connectFailure
            defer { inbox.requests = [] }
            return inbox.requests
        }
    }

    /// Called by the loop as its last act, after ``stopAccepting()`` (so nothing can be left in the inbox).
    func loopFinished() {
        let waiters = inbox.withLock { inbox in
            inbox.accepting = false
            inbox.finished = true
            defer { inbox.finishWaiters = [] }
            return inbox.finishWaiters
        }
        onFinished(self)
        for waiter in waiters { waiter.resume() }
    }
}
