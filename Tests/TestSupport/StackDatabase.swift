import ConnectAsPostgres
import Foundation
import Logging

/// The local stack's PostgreSQL roles (scripts/stack, README "Database roles"): the administrator, which creates and
/// drops the tests' databases and plays the insider; the owner, which `<service> migrate` logs in as; one role per
/// service; and the read-only auditor.
public enum StackDatabase {
    public static let ownerRole = "connectas_owner"

    /// The administrator's URL, on `database` when given.
    public static func adminURL(database: String? = nil) throws -> String {
        let url = try StackEnvironment.require("CONNECTAS_PG_ADMIN_URL")
        return database.map { on(url, database: $0) } ?? url
    }

    /// `service`'s own role on `database`.
    public static func serviceURL(_ service: String, database: String) throws -> String {
        let variable = "CONNECTAS_PG_\(service.uppercased().replacingOccurrences(of: "-", with: "_"))_URL"
        return on(try StackEnvironment.require(variable), database: database)
    }

    public static func ownerURL(database: String) throws -> String {
        on(try StackEnvironment.require("CONNECTAS_PG_OWNER_URL"), database: database)
    }

    public static func auditorURL(database: String) throws -> String {
        on(try StackEnvironment.require("CONNECTAS_PG_AUDITOR_URL"), database: database)
    }

    /// What a service process needs to reach `database`: its own role, and the owner's for `<service> migrate`
    /// (``ServiceProcess/start(_:environment:port:readyWithin:)`` runs it first and keeps the owner's URL from the
    /// service itself).
    public static func serviceEnvironment(_ service: String, database: String) throws -> [String: String] {
        [
            "CONNECTAS_PG_URL": try serviceURL(service, database: database),
            "CONNECTAS_PG_OWNER_URL": try ownerURL(database: database),
            "CONNECTAS_PG_READ_ROLES": "connectas_auditor",
        ]
    }

    /// A new database owned by the owner role, as a production database would be.
    public static func create(_ name: String, logger: Logger) async throws {
        let admin = try PostgresPool(configuration: .init(url: try adminURL(), maxConnections: 1), logger: logger)
        do {
            try await admin.query("CREATE DATABASE \(name) OWNER \(ownerRole)")
        } catch {
            await admin.close()
            throw error
        }
        await admin.close()
    }

    public static func drop(_ name: String, logger: Logger) async {
        guard let admin = try? PostgresPool(configuration: .init(url: adminURL(), maxConnections: 1), logger: logger)
        else { return }
        _ = try? await admin.query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        await admin.close()
    }

    /// `url` with its database replaced.
    public static func on(_ url: String, database: String) -> String {
        guard let slash = url.lastIndex(of: "/") else { return url }
        return url[..<slash] + "/" + database
    }
}
