/// The pool's bookkeeping, kept behind the pool's lock. Its methods only decide; the pool carries out what they
/// return (resuming waiters, closing connections) after the lock is released.
struct PostgresPoolState {
    /// What a waiting borrower receives: a connection, or the right to open one (a slot under the limit).
    enum Grant: Sendable {
        case connection(LibPQConnection)
        case slot
    }

    enum LeaseAction {
        case grant(Grant)
        case fail(any Error)
        case wait
    }

    /// Work to do outside the lock after a connection comes back or a slot frees up.
    struct Aftermath {
        var resume: (CheckedContinuation<Grant, any Error>, Grant)?
        var close: LibPQConnection?
        var drained: [CheckedContinuation<Void, Never>] = []
    }

    struct Shutdown {
        var idle: [LibPQConnection]
        var waiters: [CheckedContinuation<Grant, any Error>]
        var listeners: [Task<Void, Never>]
    }

    let maxConnections: Int
    private var idle: [LibPQConnection] = []
    /// Connections that exist or are being opened: idle, lent out, or connecting.
    private var open = 0
    private var waiters: [(id: Int, continuation: CheckedContinuation<Grant, any Error>)] = []
    private var closed = false
    private var drainWaiters: [CheckedContinuation<Void, Never>] = []
    private var listeners: [Int: Task<Void, Never>] = [:]
    private var lastID = 0

    init(maxConnections: Int) {
        self.maxConnections = maxConnections
    }

    mutating func makeID() -> Int {
        lastID += 1
        return lastID
    }

    mutating func lease(id: Int, continuation: CheckedContinuation<Grant, any Error>, cancelled: Bool) -> LeaseAction {
        if closed { return .fail(PostgresError(.poolClosed, message: "the pool is closed")) }
        if cancelled { return .fail(CancellationError()) }
        if let connection = idle.popLast() { return .grant(.connection(connection)) }
        if open < maxConnections {
            open += 1
            return .grant(.slot)
        }
        waiters.append((id, continuation))
        return .wait
    }

    mutating func cancelWaiter(id: Int) -> CheckedContinuation<Grant, any Error>? {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
        return waiters.remove(at: index).continuation
    }

    mutating func release(_ connection: LibPQConnection, reusable: Bool) -> Aftermath {
        if reusable && !closed {
            if !waiters.isEmpty {
                return Aftermath(resume: (waiters.removeFirst().continuation, .connection(connection)))
            }
            idle.append(connection)
            return Aftermath()
        }
        var aftermath = slotFreed()
        aftermath.close = connection
        return aftermath
    }

    /// A connection was discarded or never opened: the next waiter may open a new one in its place.
    mutating func slotFreed() -> Aftermath {
        open -= 1
        if !closed && !waiters.isEmpty {
            open += 1
            return Aftermath(resume: (waiters.removeFirst().continuation, .slot))
        }
        if closed && open == 0 {
            defer { drainWaiters = [] }
            return Aftermath(drained: drainWaiters)
        }
        return Aftermath()
    }

    /// Registers a listener's task so that closing the pool stops it; false once the pool is closed.
    mutating func addListener(id: Int, task: Task<Void, Never>) -> Bool {
        guard !closed else { return false }
        listeners[id] = task
        return true
    }

    mutating func removeListener(id: Int) {
        listeners[id] = nil
    }

    mutating func close() -> Shutdown {
        closed = true
        let shutdown = Shutdown(
            idle: idle, waiters: waiters.map(\.continuation), listeners: Array(listeners.values))
        open -= idle.count
        idle = []
        waiters = []
        listeners = [:]
        return shutdown
    }

    /// True when every connection is closed; otherwise `continuation` is resumed when the last one comes back.
    mutating func waitUntilDrained(_ continuation: CheckedContinuation<Void, Never>) -> Bool {
        if open == 0 { return true }
        drainWaiters.append(continuation)
        return false
    }
}
