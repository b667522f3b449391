import Logging

/// One pooled connection, lent for the length of a ``PostgresPool/withConnection(isolation:_:)`` or
/// ``PostgresPool/transaction(isolation:maxAttempts:callerIsolation:_:)`` closure. Do not keep it past the closure:
/// the pool hands the connection to someone else afterwards.
///
/// Statements take their values as parameters (`$1`…`$n`); the API has no way to splice a value into SQL text.
public struct PostgresConnection: Sendable {
    let base: LibPQConnection
    let logger: Logger

    /// The server process serving this connection (`pg_backend_pid()`).
    public var backendPID: Int32 { base.backendPID }

    /// Runs one statement with `parameters` bound to `$1`…`$n`. One statement only: the server refuses several.
    @discardableResult
    public func query(_ sql: String, _ parameters: any PostgresEncodable...) async throws -> PostgresRows {
        try await base.query(sql, parameters)
    }

    @discardableResult
    public func query(_ sql: String, parameters: [any PostgresEncodable]) async throws -> PostgresRows {
        try await base.query(sql, parameters)
    }

    /// Runs several statements in one string, with no parameters, as migrations need for DDL. Never build `script`
    /// from input. A script that says BEGIN or COMMIT itself breaks the transaction it runs in.
    public func execute(script: String) async throws {
        try await base.script(script)
    }

    /// `NOTIFY channel, payload`, through `pg_notify($1, $2)`; inside a transaction it is sent at COMMIT.
    public func notify(channel: String, payload: String) async throws {
        try PostgresIdentifier.validate(channel, what: "channel")
        _ = try await base.query("SELECT pg_notify($1, $2)", [channel, payload])
    }
}
