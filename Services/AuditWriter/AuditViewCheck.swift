import ConnectAsPostgres
import ConnectAsSchema
import Foundation

/// The per-session view is derived from the records: rebuilt into a scratch table by the very code that keeps it
/// (``AuditSessionView``), record by record, and compared column by column with the stored one. Runs inside the
/// caller's transaction (one snapshot); needs only SELECT on the audit tables and the database's TEMP right.
enum AuditViewCheck {
    enum Outcome: Equatable {
        case same(sessions: Int64)
        /// The first row that differs (a session id, or the request of a denial without one) and the last record
        /// it should reflect.
        case differs(key: String, lastSeq: Int64)
    }

    /// Every column but the surrogate key and the time of the last update, which depend on when it was written.
    static let columns = """
        session_id, request_id, org_id, environment_id, actor_id, actor_email, actor_role, target_odoo_user_id,
        target_login, target_display_name, target_email, reason, client_ip, user_agent, status, initiated_at,
        link_expires_at, session_expires_at, redeemed_at, browser_ip, ended_at, end_reason, ended_by, denial_code,
        failure_code, notified_at, last_event_seq
        """

    static func compare(_ connection: PostgresConnection, batchSize: Int = 1000) async throws -> Outcome {
        let scratch = "pg_temp.audit_sessions_rebuilt"
        try await connection.query("DROP TABLE IF EXISTS \(scratch)")
        try await connection.query(
            "CREATE TEMP TABLE audit_sessions_rebuilt (LIKE audit_sessions INCLUDING INDEXES) ON COMMIT DROP")
        try await connection.query("CREATE TEMP SEQUENCE IF NOT EXISTS audit_sessions_rebuilt_id")
        try await connection.query(
            "ALTER TABLE \(scratch) ALTER COLUMN id SET DEFAULT nextval('pg_temp.audit_sessions_rebuilt_id')")
        try await connection.query("ALTER TABLE \(scratch) ALTER COLUMN updated_at SET DEFAULT now()")

        var after: Int64 = 0
        while true {
            let rows = try await connection.query(
                "SELECT seq, canonical FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2", after, batchSize)
            for row in rows {
                let seq: Int64 = try row.decode("seq")
                // The chain walk has already decoded every record; one that does not decode was reported there.
                if let event = try? EventCodec.decode(Data(try row.decode("canonical", as: String.self).utf8)) {
                    try await AuditSessionView.apply(event, seq: seq, on: connection, table: scratch)
                }
                after = seq
            }
            if rows.count < batchSize { break }
        }

        let difference = try await connection.query(
            """
            SELECT COALESCE(session_id, 'the denied request ' || request_id) AS key, last_event_seq FROM (
                (SELECT \(columns) FROM audit_sessions EXCEPT ALL SELECT \(columns) FROM \(scratch))
                UNION ALL
                (SELECT \(columns) FROM \(scratch) EXCEPT ALL SELECT \(columns) FROM audit_sessions)
            ) d ORDER BY last_event_seq LIMIT 1
            """)
        if let row = difference.first {
            return .differs(key: try row.decode("key"), lastSeq: try row.decode("last_event_seq"))
        }
        return .same(sessions: try await connection.query("SELECT count(*) FROM \(scratch)").scalar(as: Int64.self))
    }
}
