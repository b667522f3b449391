import CLibPQ
import ConnectAsBlocking
import Foundation
import Logging
import Synchronization

/// Owns one libpq connection (`PGconn *`) and the serial queue that every libpq call on it runs on.
///
/// libpq lets one thread at a time use a connection, and its calls block; confining `handle` to `queue` gives both
/// the exclusion and keeps the blocking off Swift's cooperative pool. That confinement is why `@unchecked Sendable`
/// is sound: `handle` is read and written only inside `queue.run` / `queue.detach` closures (and in `deinit`, when no
/// closure can be pending any more because each one holds a strong reference).
final class LibPQConnection: @unchecked Sendable {
    enum Health: Sendable, Equatable {
        /// Connected, no transaction open: can go back to the pool.
        case idle
        /// Connected, but a transaction (or a failed one) is still open: not fit for the next user as it is.
        case inTransaction
        case broken
        case closed
    }

    let id: Int
    let backendPID: Int32
    private let queue: BlockingQueue
    private let noticeSink: LibPQNoticeSink
    private var handle: OpaquePointer?
    // Written on `queue` after every call, read by the pool when the connection comes back.
    private let healthState = Mutex<Health>(.idle)

    var health: Health { healthState.withLock { $0 } }

    /// Opens a connection on a new queue; on any failure the half-open `PGconn` is freed before the error is thrown.
    static func connect(configuration: PostgresConfiguration, id: Int, logger: Logger) async throws -> LibPQConnection {
        var logger = logger
        logger[metadataKey: PostgresLoggingKeys.connectionID] = "\(id)"
        let queue = BlockingQueue(label: "connectas.postgres.connection.\(id)")
        let sink = LibPQNoticeSink(logger: logger)
        return try await queue.run { [logger] in
            let connection = try LibPQConnection(opening: configuration, id: id, queue: queue, noticeSink: sink)
            logger.debug("connected", metadata: [PostgresLoggingKeys.backendPID: "\(connection.backendPID)"])
            return connection
        }
    }

    /// Runs on `queue`.
    private init(
        opening configuration: PostgresConfiguration, id: Int, queue: BlockingQueue, noticeSink: LibPQNoticeSink
    )
        throws
    {
        let seconds =
            configuration.connectTimeout.components.seconds
            + (configuration.connectTimeout.components.attoseconds > 0 ? 1 : 0)
        // `dbname` comes first and is expanded as a URL or conninfo string (expand_dbname = 1); the keywords after it
        // override what the URL says, so the timeout, encoding and keepalives always hold.
        let options: [(String, String)] = [
            ("dbname", configuration.url),
            ("connect_timeout", String(max(2, seconds))),
            ("application_name", configuration.applicationName),
            ("client_encoding", "UTF8"),
            // Notices a dead peer (a half-open TCP connection) within a minute instead of hours.
            ("keepalives", "1"), ("keepalives_idle", "30"), ("keepalives_interval", "10"), ("keepalives_count", "3"),
        ]
        let handle = withCStringArray(options.map(\.0)) { keywords in
            withCStringArray(options.map(\.1)) { values in PQconnectdbParams(keywords, values, 1) }
        }
        guard let handle else {
            throw PostgresError(.connectionFailed, message: "libpq could not allocate a connection")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = LibPQResult.connectionMessage(handle)
            PQfinish(handle)
            throw PostgresError(.connectionFailed, message: "cannot connect to PostgreSQL: \(message)")
        }
        noticeSink.install(on: handle)
        self.id = id
        self.queue = queue
        self.noticeSink = noticeSink
        self.handle = handle
        self.backendPID = PQbackendPID(handle)
        do {
            try setUpSession(handle, schema: configuration.schema)
        } catch {
            finish()
            throw error
        }
    }

    deinit {
        guard let handle else { return }
        nonisolated(unsafe) let orphan = handle
        let sink = noticeSink
        queue.detach { withExtendedLifetime(sink) { PQfinish(orphan) } }
    }

    /// Fixes the session settings the value codecs rely on; one round trip, values as parameters.
    private func setUpSession(_ handle: OpaquePointer, schema: String?) throws {
        var sql = """
            SELECT set_config('TimeZone', 'UTC', false), set_config('DateStyle', 'ISO, MDY', false), \
            set_config('bytea_output', 'hex', false)
            """
        var parameters: [String?] = []
        if let schema {
            sql += ", set_config('search_path', $1, false)"
            parameters.append(schema)
        }
        _ = try execute(handle, sql, types: parameters.map { _ in PostgresDataType.text.rawValue }, values: parameters)
    }

    // MARK: - Calls, each one hop onto `queue`

    func query(_ sql: String, _ parameters: [any PostgresEncodable]) async throws -> PostgresRows {
        let types = parameters.map { type(of: $0).postgresType.rawValue }
        let values = parameters.map(\.postgresText)
        // A NUL would silently cut the C string short; PostgreSQL text cannot hold one anyway.
        if sql.utf8.contains(0) { throw PostgresError(.invalidArgument, message: "the SQL text contains a NUL byte") }
        if let index = values.firstIndex(where: { $0?.utf8.contains(0) == true }) {
            throw PostgresError(.invalidArgument, message: "parameter $\(index + 1) contains a NUL byte")
        }
        return try await queue.run {
            let handle = try self.requireHandle()
            defer { self.updateHealth(handle) }
            return try self.execute(handle, sql, types: types, values: values)
        }
    }

    /// Several statements in one string, without parameters (the simple query protocol): for migrations' DDL.
    func script(_ sql: String) async throws {
        if sql.utf8.contains(0) { throw PostgresError(.invalidArgument, message: "the SQL text contains a NUL byte") }
        try await queue.run {
            let handle = try self.requireHandle()
            defer { self.updateHealth(handle) }
            guard let result = PQexec(handle, sql) else { throw LibPQResult.connectionError(handle) }
            defer { PQclear(result) }
            _ = try LibPQResult.rows(result, connection: handle)
        }
    }

    /// Waits up to `timeout` for notifications on a connection that LISTENs.
    func waitForNotifications(timeout: Duration) async throws -> [PostgresNotification] {
        let milliseconds = Int32(
            clamping: timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        return try await queue.run {
            let handle = try self.requireHandle()
            defer { self.updateHealth(handle) }
            var received = LibPQResult.drainNotifications(handle)
            guard received.isEmpty else { return received }
            let socket = PQsocket(handle)
            guard socket >= 0 else { throw LibPQResult.connectionError(handle) }
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, milliseconds)
            if ready < 0 && errno != EINTR {
                throw PostgresError(.connectionLost, message: "poll failed with errno \(errno)", isConnectionLost: true)
            }
            if ready > 0 {
                guard PQconsumeInput(handle) == 1 else { throw LibPQResult.connectionError(handle) }
            }
            guard PQstatus(handle) == CONNECTION_OK else { throw LibPQResult.connectionError(handle) }
            received = LibPQResult.drainNotifications(handle)
            return received
        }
    }

    func close() async {
        await queue.run { self.finish() }
    }

    /// Closes without waiting, for the pool's synchronous paths.
    func closeInBackground() {
        queue.detach { self.finish() }
    }

    // MARK: - On `queue` only

    private func requireHandle() throws -> OpaquePointer {
        guard let handle else {
            throw PostgresError(.connectionLost, message: "the connection is closed", isConnectionLost: true)
        }
        return handle
    }

    private func execute(_ handle: OpaquePointer, _ sql: String, types: [UInt32], values: [String?]) throws
        -> PostgresRows
    {
        let copies = values.map { $0.map { strdup($0) } ?? nil }
        defer { for copy in copies { free(copy) } }
        let pointers = copies.map { $0.map { UnsafePointer($0) } }
        // Text format both ways (format arrays nil, result format 0): every type has a text form, no binary codecs.
        guard let result = PQexecParams(handle, sql, Int32(values.count), types, pointers, nil, nil, 0) else {
            throw LibPQResult.connectionError(handle)
        }
        defer { PQclear(result) }
        return try LibPQResult.rows(result, connection: handle)
    }

    private func updateHealth(_ handle: OpaquePointer) {
        let health: Health =
            if PQstatus(handle) != CONNECTION_OK { .broken } else if PQtransactionStatus(handle) == PQTRANS_IDLE {
                .idle
            } else { .inTransaction }
        healthState.withLock { $0 = health }
    }

    private func finish() {
        guard let handle else { return }
        PQfinish(handle)
        self.handle = nil
        healthState.withLock { $0 = .closed }
    }
}

/// Calls `body` with a NULL-terminated array of C strings that lives for the call.
private func withCStringArray<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { for copy in copies { free(copy) } }
    return body(copies.map { $0.map { UnsafePointer($0) } } + [nil])
}
