import Logging

/// Brings one service's schema up to date when the service starts.
///
/// Every replica runs it; a session-level advisory lock keyed by the service name lets one of them apply what is
/// missing while the others wait, then find nothing left to do. Each migration runs in its own transaction together
/// with the row that records it, so a crash leaves it either applied and recorded or neither.
public struct PostgresMigrator: Sendable {
    /// Where applied migrations are recorded, in the schema the pool works in.
    public static let table = "connectas_schema_migrations"
    /// First key of every advisory lock the migrator takes ("CAMG"), so that its locks stay apart from others'. The
    /// second key is `hashtext(service)`, or 0 for the lock that guards creating the table; see them in `pg_locks`.
    public static let lockNamespace: Int32 = 0x4341_4D47

    public let service: String
    /// In version order.
    public let migrations: [PostgresMigration]
    let logger: Logger

    public init(service: String, migrations: [PostgresMigration], logger: Logger) throws {
        guard !service.isEmpty else {
            throw PostgresError(.invalidMigrations, message: "a migrator needs a service name")
        }
        let sorted = migrations.sorted { $0.version < $1.version }
        if let bad = sorted.first(where: { $0.version <= 0 }) {
            throw PostgresError(.invalidMigrations, message: "migration version \(bad.version) is not positive")
        }
        for (previous, next) in zip(sorted, sorted.dropFirst()) where previous.version == next.version {
            throw PostgresError(.invalidMigrations, message: "migration version \(next.version) appears twice")
        }
        self.service = service
        self.migrations = sorted
        var logger = logger
        logger[metadataKey: PostgresLoggingKeys.service] = "\(service)"
        self.logger = logger
    }

    /// Applies the migrations not applied yet, in order, and returns the versions this call applied.
    @discardableResult
    public func migrate(_ pool: PostgresPool) async throws -> [Int] {
        try await pool.withConnection { connection in
            try await createTable(connection, schema: pool.configuration.schema)
            try await connection.query("SELECT pg_advisory_lock($1, hashtext($2))", Self.lockNamespace, service)
            do {
                let applied = try await applyPending(connection)
                try await connection.query("SELECT pg_advisory_unlock($1, hashtext($2))", Self.lockNamespace, service)
                return applied
            } catch {
                // The lock belongs to the session, which outlives this call in the pool: give it back. If that fails
                // the connection is broken, the pool closes it, and the server drops the lock with the session.
                _ = try? await connection.query(
                    "SELECT pg_advisory_unlock($1, hashtext($2))", Self.lockNamespace, service)
                throw error
            }
        }
    }

    /// CREATE … IF NOT EXISTS still races when two sessions run it at once (a unique violation on the catalog),
    /// hence the lock shared by every service, held to the end of this short transaction.
    private func createTable(_ connection: PostgresConnection, schema: String?) async throws {
        try await connection.transaction(isolation: .readCommitted) { tx in
            try await tx.query("SELECT pg_advisory_xact_lock($1, 0)", Self.lockNamespace)
            if let schema {
                try await tx.query(
                    "CREATE SCHEMA IF NOT EXISTS \(try PostgresIdentifier.quoted(schema, what: "schema"))")
            }
            try await tx.query(
                """
                CREATE TABLE IF NOT EXISTS \(Self.table) (
                    service text NOT NULL,
                    version bigint NOT NULL,
                    name text NOT NULL,
                    checksum text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (service, version)
                )
                """)
        }
    }

    private func applyPending(_ connection: PostgresConnection) async throws -> [Int] {
        let rows = try await connection.query(
            "SELECT version, name, checksum FROM \(Self.table) WHERE service = $1 ORDER BY version", service)
        var recorded: [Int: String] = [:]
        for row in rows { recorded[try row.decode("version")] = try row.decode("checksum", as: String.self) }

        var applied: [Int] = []
        for migration in migrations {
            let checksum = try await Self.checksum(of: migration, on: connection)
            if let stored = recorded[migration.version] {
                guard stored == checksum else {
                    throw PostgresError(
                        .migrationChecksumMismatch,
                        message: "migration \(migration.version) (\(migration.name)) of service \(service) was changed "
                            + "after it was applied (checksum stored \(stored.prefix(12))…, "
                            + "now \(checksum.prefix(12))…); "
                            + "add a new migration instead of editing an applied one")
                }
                continue
            }
            try await connection.transaction(isolation: .readCommitted) { tx in
                try await tx.execute(script: migration.sql)
                try await tx.query(
                    "INSERT INTO \(Self.table) (service, version, name, checksum) VALUES ($1, $2, $3, $4)",
                    service, migration.version, migration.name, checksum)
            }
            logger.info(
                "applied migration \(migration.name)", metadata: [PostgresLoggingKeys.version: "\(migration.version)"])
            applied.append(migration.version)
        }
        let known = Set(migrations.map(\.version))
        for version in recorded.keys.sorted() where !known.contains(version) {
            // A newer release applied it and an older one is starting (a rolling deploy or a rollback): carry on.
            logger.warning(
                "migration recorded in the database is unknown to this release",
                metadata: [PostgresLoggingKeys.version: "\(version)"])
        }
        return applied
    }

    /// SHA-256 of the SQL, computed by the server: this module depends on no crypto library.
    static func checksum(of migration: PostgresMigration, on connection: PostgresConnection) async throws -> String {
        try await connection.query("SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex')", migration.sql)
            .scalar(as: String.self)
    }
}
