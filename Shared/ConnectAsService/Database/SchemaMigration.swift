import ConnectAsPostgres
import Foundation
import Logging

/// `<service> migrate`: brings the service's schema up to date as the owner role, then gives the service's own role
/// (the one `connectas.pg.url` logs in as) exactly its ``DatabaseGrants``. The running service never logs in as the
/// owner: it only checks at start that this was done (``LeastPrivilegeCheck``).
///
/// | key | environment variable | |
/// |---|---|---|
/// | connectas.pg.ownerUrl | CONNECTAS_PG_OWNER_URL | required: the role that owns the database's schemas |
/// | connectas.pg.url | CONNECTAS_PG_URL | required: the service's own role, which receives the grants |
/// | connectas.pg.readRoles | CONNECTAS_PG_READ_ROLES | optional: roles given SELECT only (an auditor's) |
public struct SchemaMigration: Sendable {
    public let service: ServiceName
    public let ownerURL: String
    public let serviceURL: String
    public let readers: [String]

    public init(service: ServiceName, environment: [String: String] = ProcessInfo.processInfo.environment)
        async throws
    {
        let reader = try await ServiceConfiguration.reader(environment: environment)
        let fix = "set it to postgresql://USER:PASSWORD@HOST:PORT/DATABASE"
        guard let owner = reader.checkedString("connectas.pg.ownerUrl", isSecret: true) else {
            throw ConfigurationError(
                key: "connectas.pg.ownerUrl", problem: "is not set",
                fix: fix + " for the role that owns the schemas (README, \"Database roles\")")
        }
        guard let url = reader.checkedString("connectas.pg.url", isSecret: true) else {
            throw ConfigurationError(
                key: "connectas.pg.url", problem: "is not set", fix: fix + " for the service's own role")
        }
        self.service = service
        ownerURL = owner
        serviceURL = url
        readers = (reader.checkedString("connectas.pg.readRoles") ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for role in readers where !PostgresIdentifier.isValid(role) {
            throw ConfigurationError(
                key: "connectas.pg.readRoles", problem: "has \"\(role)\", not a role name",
                fix: "list role names separated by commas")
        }
    }

    /// Applies what is missing and the grants; returns the service role's name.
    @discardableResult
    public func run(migrations: [PostgresMigration], grants: DatabaseGrants, logger: Logger) async throws -> String {
        let schema = ServiceContext.schema(for: service)
        let role = try await serviceRole()
        let owner = try PostgresPool(
            configuration: PostgresConfiguration(
                url: ownerURL, maxConnections: 1, applicationName: "\(service.rawValue) migrate", schema: schema),
            logger: logger)
        do {
            let ownerRole = try await owner.query("SELECT current_user::text").scalar(as: String.self)
            guard ownerRole != role else {
                throw ConfigurationError(
                    key: "connectas.pg.url", problem: "logs in as \(role), the owner role itself",
                    fix: "give \(service.rawValue) a role of its own (README, \"Database roles\")")
            }
            try await ServiceContext.migrate(
                owner, service: service.rawValue, schema: schema, migrations: migrations, logger: logger)
            // One transaction: a running replica never sees its rights revoked half-way, nor a right granted a
            // moment before the per-table exceptions take it back.
            try await owner.transaction(isolation: .readCommitted) { connection in
                for statement in grants.statements(schema: schema, role: role, readers: readers) {
                    try await connection.query(statement)
                }
            }
            logger.info("migrated and granted", metadata: ["schema": "\(schema)", "role": "\(role)"])
        } catch {
            await owner.close()
            throw error
        }
        await owner.close()
        return role
    }

    /// Logs in as the service's role, so that a wrong password is found now, and refuses a superuser.
    private func serviceRole() async throws -> String {
        let pool = try PostgresPool(
            configuration: PostgresConfiguration(url: serviceURL, maxConnections: 1), logger: Logger(label: "migrate"))
        let rows: PostgresRows
        do {
            rows = try await pool.query(
                "SELECT current_user::text, rolsuper FROM pg_roles WHERE rolname = current_user")
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
        guard let first = rows.first else { throw PostgresError(.decodingFailed, message: "current_user has no role") }
        let name: String = try first.decode(0, as: String.self)
        if try first.decode(1, as: Bool.self) {
            throw ConfigurationError(
                key: "connectas.pg.url", problem: "logs in as \(name), a superuser",
                fix: "give \(service.rawValue) a role of its own without SUPERUSER (README, \"Database roles\")")
        }
        return name
    }
}
