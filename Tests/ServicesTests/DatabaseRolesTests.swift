import ConnectAsPostgres
import Foundation
import Testing
import TestSupport

/// DESIGN.md section 4 (the audit cannot be rewritten) and the least-privilege rule: every service logs in as a role
/// of its own that owns nothing, and none of them can change the audit, whatever statement it tries.
@Suite(.serialized)
struct DatabaseRolesTests {
    static let services = ["policy-service", "session-injector", "audit-writer", "notifier"]
    static let auditTables = ["audit_events", "audit_chain_head", "audit_sessions", "audit_checkpoints"]

    /// Each attempt on one audit table; whether audit-writer's own role is allowed it; and, for a statement that
    /// PostgreSQL lets through with a warning when it does nothing (GRANT without the grant option), the query that
    /// tells whether it took effect.
    static func attempts(on table: String) -> [(sql: String, auditWriterMay: Bool, tookEffect: String?)] {
        let t = "audit_writer.\(table)"
        let column = table == "audit_sessions" ? "status" : "seq"
        return [
            // The head may only move to the record just appended: its trigger refuses this one.
            ("UPDATE \(t) SET \(column) = \(column)", table == "audit_sessions", nil),
            ("DELETE FROM \(t)", false, nil),
            ("TRUNCATE \(t)", false, nil),
            ("ALTER TABLE \(t) ADD COLUMN forged text", false, nil),
            ("ALTER TABLE \(t) DISABLE TRIGGER ALL", false, nil),
            ("GRANT ALL ON \(t) TO connectas_notifier", false,
             "SELECT has_table_privilege('connectas_notifier', '\(t)', 'DELETE')"),
            ("DROP TABLE \(t)", false, nil),
            ("SET session_replication_role = replica", false, nil),
        ]
    }

    @Test func noServiceRoleCanChangeTheAudit() async throws {
        try await withMigratedDatabase { database in
            // Something for the statements to work on: a record and its session row, as audit-writer writes them.
            let writer = try PostgresPool(
                configuration: .init(url: try StackDatabase.serviceURL("audit-writer", database: database)),
                logger: harnessLogger)
            defer { Task { await writer.close() } }
            try await Self.appendOneRecord(writer)

            for service in Self.services {
                let pool = try PostgresPool(
                    configuration: .init(
                        url: try StackDatabase.serviceURL(service, database: database), maxConnections: 1),
                    logger: harnessLogger)
                for table in Self.auditTables {
                    for attempt in Self.attempts(on: table) {
                        let allowed = service == "audit-writer" && attempt.auditWriterMay
                        let outcome = await Self.outcome(of: attempt.sql, tookEffect: attempt.tookEffect, on: pool)
                        if allowed {
                            #expect(outcome == nil, "\(service): \(attempt.sql) was refused: \(outcome ?? "")")
                        } else {
                            #expect(outcome != nil, "\(service) was allowed: \(attempt.sql)")
                        }
                    }
                }
                await pool.close()
            }
            // The records are all still there, unchanged.
            let admin = try PostgresPool(
                configuration: .init(url: try StackDatabase.adminURL(database: database)), logger: harnessLogger)
            #expect(try await admin.query("SELECT count(*)::int FROM audit_writer.audit_events").scalar(as: Int.self) == 1)
            #expect(try await admin.query("SELECT seq FROM audit_writer.audit_chain_head").scalar(as: Int64.self) == 1)
            await admin.close()
        }
    }

    @Test func noServiceRoleIsASuperuserOrOwnsATable() async throws {
        try await withMigratedDatabase { database in
            let admin = try PostgresPool(
                configuration: .init(url: try StackDatabase.adminURL(database: database)), logger: harnessLogger)
            for service in Self.services {
                let pool = try PostgresPool(
                    configuration: .init(url: try StackDatabase.serviceURL(service, database: database)),
                    logger: harnessLogger)
                let role = try await pool.query("SELECT current_user::text").scalar(as: String.self)
                // The record of applied migrations, which the start-up check trusts, is read-only to the service.
                let schema = service.replacingOccurrences(of: "-", with: "_")
                let forged = await Self.outcome(
                    of: "DELETE FROM \(schema).connectas_schema_migrations", tookEffect: nil, on: pool)
                #expect(forged != nil, "\(role) may delete its migration records")
                await pool.close()
                let row = try #require(
                    try await admin.query(
                        """
                        SELECT r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolbypassrls,
                            (SELECT count(*)::int FROM pg_class c WHERE pg_has_role(r.oid, c.relowner, 'USAGE')
                                AND c.relnamespace NOT IN (SELECT oid FROM pg_namespace
                                    WHERE nspname IN ('pg_catalog', 'information_schema', 'pg_toast'))),
                            (SELECT count(*)::int FROM pg_namespace n WHERE pg_has_role(r.oid, n.nspowner, 'USAGE')
                                AND n.nspname LIKE '%\\_%' AND n.nspname NOT LIKE 'pg\\_%')
                        FROM pg_roles r WHERE r.rolname = $1
                        """, role
                    ).first)
                #expect(try row.decode(0, as: Bool.self) == false, "\(role) is a superuser")
                #expect(try row.decode(1, as: Bool.self) == false, "\(role) may create roles")
                #expect(try row.decode(2, as: Bool.self) == false, "\(role) may create databases")
                #expect(try row.decode(3, as: Bool.self) == false, "\(role) bypasses row security")
                #expect(try row.decode(4, as: Int.self) == 0, "\(role) owns tables")
                #expect(try row.decode(5, as: Int.self) == 0, "\(role) owns a service's schema")
            }
            await admin.close()
        }
    }

    /// A service given the owner's role, or the administrator's, stops at start and says what to do.
    @Test func aServiceRefusesToRunAsTheOwnerOrASuperuser() async throws {
        try await withMigratedDatabase { database in
            for (url, expected) in [
                (try StackDatabase.ownerURL(database: database), "the schema audit_writer"),
                (try StackDatabase.adminURL(database: database), "a superuser"),
            ] {
                let error = await #expect(throws: ServiceProcessError.self) {
                    let service = try await ServiceProcess.start(
                        "audit-writer",
                        environment: [
                            "CONNECTAS_PG_URL": url,
                            "CONNECTAS_KAFKA_BROKERS": try StackEnvironment.require("CONNECTAS_KAFKA_BROKERS"),
                        ], readyWithin: .seconds(20))
                    await service.stop()
                }
                let message = error.map(\.description) ?? ""
                #expect(message.contains("exited with status 78"), "\(message)")
                #expect(message.contains(expected) && message.contains("audit-writer migrate"), "\(message)")
            }
        }
    }

    /// A service whose schema was never migrated stops at start and names the command that migrates it.
    @Test func aServiceRefusesAnUnmigratedSchema() async throws {
        let database = StackEnvironment.uniqueName("roles_bare").replacingOccurrences(of: "-", with: "_")
        try await StackDatabase.create(database, logger: harnessLogger)
        defer { Task { await StackDatabase.drop(database, logger: harnessLogger) } }
        let error = await #expect(throws: ServiceProcessError.self) {
            let service = try await ServiceProcess.start(
                "audit-writer",
                environment: [
                    "CONNECTAS_PG_URL": try StackDatabase.serviceURL("audit-writer", database: database),
                    "CONNECTAS_KAFKA_BROKERS": try StackEnvironment.require("CONNECTAS_KAFKA_BROKERS"),
                ], readyWithin: .seconds(20))
            await service.stop()
        }
        let message = error.map(\.description) ?? ""
        #expect(
            message.contains("without the schema audit_writer") && message.contains("audit-writer migrate"), "\(message)")
    }

    // MARK: - Helpers

    /// A database with all four schemas migrated by `<service> migrate` as the owner role.
    func withMigratedDatabase(_ body: (String) async throws -> Void) async throws {
        let database = StackEnvironment.uniqueName("roles").replacingOccurrences(of: "-", with: "_")
        try await StackDatabase.create(database, logger: harnessLogger)
        do {
            for service in Self.services {
                try await ServiceProcess.migrate(
                    service, environment: try StackDatabase.serviceEnvironment(service, database: database))
            }
            try await body(database)
        } catch {
            await StackDatabase.drop(database, logger: harnessLogger)
            throw error
        }
        await StackDatabase.drop(database, logger: harnessLogger)
    }

    /// nil when `sql` succeeded and took effect (rolled back at once), else the server's refusal.
    static func outcome(of sql: String, tookEffect: String?, on pool: PostgresPool) async -> String? {
        do {
            return try await pool.withConnection { connection in
                try await connection.query("BEGIN")
                do {
                    try await connection.query(sql)
                    var effective: Bool?
                    if let tookEffect { effective = try await connection.query(tookEffect).scalar(as: Bool.self) }
                    try await connection.query("ROLLBACK")
                    return effective == false ? "accepted with a warning, without effect" : nil
                } catch {
                    _ = try? await connection.query("ROLLBACK")
                    throw error
                }
            }
        } catch {
            return "\(error)"
        }
    }

    /// One record and its session row, chained to the genesis head, as audit-writer's role appends them.
    static func appendOneRecord(_ pool: PostgresPool) async throws {
        try await pool.transaction { connection in
            try await connection.query(
                """
                INSERT INTO audit_writer.audit_events (seq, event_id, event_type, event_time, source, canonical,
                    prev_hash, hash)
                VALUES (1, 'e1', 'connectas.event.Test.v1', now(), '/test', '{}', decode(repeat('00', 32), 'hex'),
                    decode(repeat('11', 32), 'hex'))
                """)
            try await connection.query(
                "UPDATE audit_writer.audit_chain_head SET seq = 1, hash = decode(repeat('11', 32), 'hex')")
            try await connection.query(
                """
                INSERT INTO audit_writer.audit_sessions (session_id, request_id, org_id, environment_id, actor_id,
                    actor_email, status, last_event_seq)
                VALUES ('s1', 'r1', 'o1', 'e1', 'a1', 'a@example.com', 'initiated', 1)
                """)
        }
    }
}
