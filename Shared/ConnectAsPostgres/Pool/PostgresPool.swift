import Logging
import Synchronization

/// A fixed-size pool of PostgreSQL connections, opened on demand.
///
/// Borrowers beyond `maxConnections` wait in line (suspended, not spinning); a connection that comes back broken or
/// still inside a transaction is closed and its place offered to the next borrower, who opens a fresh one.
public final class PostgresPool: Sendable {
    public let configuration: PostgresConfiguration
    let logger: Logger
    let state: Mutex<PostgresPoolState>

    /// Checks the configuration; connects nothing until the first borrower.
    public init(configuration: PostgresConfiguration, logger: Logger) throws {
        self.configuration = try configuration.validated()
        var logger = logger
        logger[metadataKey: PostgresLoggingKeys.pool] = "\(configuration.applicationName)"
        self.logger = logger
        self.state = Mutex(PostgresPoolState(maxConnections: configuration.maxConnections))
    }

    /// Lends a connection to `body` and takes it back when `body` returns or throws.
    @discardableResult
    public func withConnection<T>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let (connection, logger) = try await lease()
        defer { release(connection) }
        return try await body(PostgresConnection(base: connection, logger: logger))
    }

    /// Runs one statement on any pooled connection; see ``PostgresConnection/query(_:_:)``.
    @discardableResult
    public func query(_ sql: String, _ parameters: any PostgresEncodable...) async throws -> PostgresRows {
        try await query(sql, parameters: parameters)
    }

    @discardableResult
    public func query(_ sql: String, parameters: [any PostgresEncodable]) async throws -> PostgresRows {
        try await withConnection { try await $0.query(sql, parameters: parameters) }
    }

    /// A transaction on one pooled connection, retried on conflicts; see
    /// ``PostgresConnection/transaction(isolation:maxAttempts:callerIsolation:_:)``.
    @discardableResult
    public func transaction<T>(
        isolation: PostgresIsolationLevel = .serializable,
        maxAttempts: Int = PostgresConnection.defaultMaxAttempts,
        callerIsolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await withConnection { connection in
            try await connection.transaction(isolation: isolation, maxAttempts: maxAttempts, body)
        }
    }

    public func notify(channel: String, payload: String) async throws {
        try await withConnection { try await $0.notify(channel: channel, payload: payload) }
    }

    /// Closes the idle connections, fails the borrowers still waiting, stops the listeners, and returns once every
    /// lent connection has come back and been closed. Later calls fail with ``PostgresError/Code/poolClosed``.
    public func close() async {
        let shutdown = state.withLock { $0.close() }
        for waiter in shutdown.waiters {
            waiter.resume(throwing: PostgresError(.poolClosed, message: "the pool is closed"))
        }
        for listener in shutdown.listeners { listener.cancel() }
        for connection in shutdown.idle { await connection.close() }
        for listener in shutdown.listeners { await listener.value }
        await withCheckedContinuation { continuation in
            if state.withLock({ $0.waitUntilDrained(continuation) }) { continuation.resume() }
        }
        logger.debug("pool closed")
    }

    // MARK: - Lending

    private func lease() async throws -> (LibPQConnection, Logger) {
        let id = state.withLock { $0.makeID() }
        let grant = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<PostgresPoolState.Grant, any Error>) in
                // Task.isCancelled is read under the lock: a cancellation either comes before (seen here) or after
                // the waiter is queued (then the handler below finds and removes it).
                let action = state.withLock {
                    $0.lease(id: id, continuation: continuation, cancelled: Task.isCancelled)
                }
                switch action {
                case .grant(let grant): continuation.resume(returning: grant)
                case .fail(let error): continuation.resume(throwing: error)
                case .wait: break
                }
            }
        } onCancel: {
            state.withLock { $0.cancelWaiter(id: id) }?.resume(throwing: CancellationError())
        }
        switch grant {
        case .connection(let connection):
            return (connection, connectionLogger(connection.id))
        case .slot:
            do {
                let connection = try await LibPQConnection.connect(configuration: configuration, id: id, logger: logger)
                return (connection, connectionLogger(id))
            } catch {
                carryOut(state.withLock { $0.slotFreed() })
                throw error
            }
        }
    }

    private func release(_ connection: LibPQConnection) {
        let health = connection.health
        if health != .idle {
            logger.debug(
                "discarding a connection that came back \(health)",
                metadata: [PostgresLoggingKeys.connectionID: "\(connection.id)"])
        }
        carryOut(state.withLock { $0.release(connection, reusable: health == .idle) })
    }

    private func carryOut(_ aftermath: PostgresPoolState.Aftermath) {
        aftermath.close?.closeInBackground()
        if let (continuation, grant) = aftermath.resume { continuation.resume(returning: grant) }
        for waiter in aftermath.drained { waiter.resume() }
    }

    private func connectionLogger(_ id: Int) -> Logger {
        var logger = logger
        logger[metadataKey: PostgresLoggingKeys.connectionID] = "\(id)"
        return logger
    }
}
