import ConnectAsPostgres

/// What a service's own database role may do to the tables of its schema: ``defaultPrivileges`` on every table the
/// migrations created, except the ones ``tables`` names, which get exactly what is listed there. The role never owns
/// a table, so it can neither ALTER nor DROP one, disable a trigger, TRUNCATE, or grant anything on.
public struct DatabaseGrants: Sendable, Equatable {
    public enum Privilege: String, Sendable, CaseIterable {
        case select = "SELECT", insert = "INSERT", update = "UPDATE", delete = "DELETE"
    }

    public var defaultPrivileges: [Privilege]
    public var tables: [String: [Privilege]]

    public init(default defaultPrivileges: [Privilege] = Privilege.allCases, tables: [String: [Privilege]] = [:]) {
        self.defaultPrivileges = defaultPrivileges
        self.tables = tables
    }

    /// The statements that give `role` these rights on `schema` (and read-only roles SELECT), starting from none;
    /// safe to run again after every migration.
    func statements(schema: String, role: String, readers: [String]) -> [String] {
        let s = quoted(schema)
        let r = quoted(role)
        var sql = [
            "GRANT USAGE ON SCHEMA \(s) TO \(r)",
            "REVOKE ALL ON ALL TABLES IN SCHEMA \(s) FROM \(r)",
            "GRANT \(list(defaultPrivileges)) ON ALL TABLES IN SCHEMA \(s) TO \(r)",
            // nextval() of the bigserial keys; the sequences cannot be reset with USAGE alone.
            "REVOKE ALL ON ALL SEQUENCES IN SCHEMA \(s) FROM \(r)",
            "GRANT USAGE ON ALL SEQUENCES IN SCHEMA \(s) TO \(r)",
        ]
        // The record of applied migrations is read at start (``LeastPrivilegeCheck``), never written by the service.
        var tables = tables
        tables[PostgresMigrator.table] = tables[PostgresMigrator.table] ?? [.select]
        for (table, privileges) in tables.sorted(by: { $0.key < $1.key }) {
            let t = "\(s).\(quoted(table))"
            sql.append("REVOKE ALL ON \(t) FROM \(r)")
            if !privileges.isEmpty { sql.append("GRANT \(list(privileges)) ON \(t) TO \(r)") }
        }
        for reader in readers {
            sql.append("GRANT USAGE ON SCHEMA \(s) TO \(quoted(reader))")
            sql.append("GRANT SELECT ON ALL TABLES IN SCHEMA \(s) TO \(quoted(reader))")
        }
        return sql
    }

    private func list(_ privileges: [Privilege]) -> String {
        privileges.isEmpty ? "SELECT" : privileges.map(\.rawValue).joined(separator: ", ")
    }

    private func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
