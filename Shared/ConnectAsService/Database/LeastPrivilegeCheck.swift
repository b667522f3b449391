import ConnectAsPostgres

/// What a service checks at start about the role it logs in as, before it touches anything: not a superuser nor
/// CREATEROLE, not able to become the owner of its schema or of any table in it (a member of that role, even
/// NOINHERIT, can SET ROLE to it), no CREATE on the schema, and
/// the schema migrated to what this release needs (by `<service> migrate`, as the owner role).
enum LeastPrivilegeCheck {
    static func require(
        _ pool: PostgresPool, service: ServiceName, schema: String, migrations: [PostgresMigration]
    ) async throws {
        let migrate = "run `\(service.rawValue) migrate` with CONNECTAS_PG_OWNER_URL set (README, \"Database roles\")"
        let role = try await pool.query(
            """
            SELECT current_user::text, r.rolsuper OR r.rolcreaterole, r.rolbypassrls,
                   (SELECT pg_has_role(r.oid, n.nspowner, 'MEMBER') OR has_schema_privilege(r.oid, n.oid, 'CREATE')
                    FROM pg_namespace n WHERE n.nspname = $1),
                   (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = $1 AND pg_has_role(r.oid, c.relowner, 'MEMBER'))
            FROM pg_roles r WHERE r.rolname = current_user
            """, schema)
        guard let row = role.first else { return }
        let name: String = try row.decode(0, as: String.self)
        let fix = "give \(service.rawValue) a login role of its own, without SUPERUSER or BYPASSRLS and owning "
            + "nothing, and \(migrate)"
        if try row.decode(1, as: Bool.self) || row.decode(2, as: Bool.self) {
            throw ConfigurationError(
                key: "connectas.pg.url",
                problem: "logs in as \(name), a superuser (or one that may create roles or bypasses row security)",
                fix: fix)
        }
        guard let ownsSchema = try row.decode(3, as: Bool?.self) else {
            throw ConfigurationError(
                key: "connectas.pg.url", problem: "reaches a database without the schema \(schema)", fix: migrate)
        }
        let ownedTables = try row.decode(4, as: Int64.self)
        if ownsSchema || ownedTables > 0 {
            throw ConfigurationError(
                key: "connectas.pg.url", problem: "logs in as \(name), which owns (or may create in) the schema \(schema) or owns its tables",
                fix: fix)
        }
        let applied: PostgresRows
        do {
            applied = try await pool.query("SELECT service, version FROM \(schema).\(PostgresMigrator.table)")
        } catch {
            throw ConfigurationError(
                key: "connectas.pg.url", problem: "reaches a schema \(schema) that was never migrated (\(error))",
                fix: migrate)
        }
        var versions: Set<String> = []
        for row in applied {
            versions.insert("\(try row.decode(0, as: String.self))/\(try row.decode(1, as: Int64.self))")
        }
        let needed =
            RuntimeMigrations.all(channel: "\(schema)_outbox").map { "\(service.rawValue).runtime/\($0.version)" }
            + migrations.map { "\(service.rawValue)/\($0.version)" }
        if let missing = needed.first(where: { !versions.contains($0) }) {
            throw ConfigurationError(
                key: "connectas.pg.url", problem: "reaches a schema \(schema) without migration \(missing)", fix: migrate)
        }
    }
}
