import ConnectAsPostgres
import ConnectAsSchema
import Foundation

/// The SQL on `sessions` that more than one handler needs.
enum SessionStore {
    static func exists(sessionId: String, requestId: String, _ pool: PostgresPool) async throws -> Bool {
        try await pool.query(
            "SELECT 1 FROM sessions WHERE session_id = $1 OR request_id = $2", sessionId, requestId
        ).count > 0
    }

    /// The session, when it belongs to that org and environment (a command naming another org's session finds
    /// nothing, as if it did not exist).
    static func find(sessionId: String, orgId: String, environmentId: String, _ pool: PostgresPool) async throws
        -> SessionRecord?
    {
        try await pool.query(
            """
            SELECT \(SessionRecord.columns) FROM sessions
            WHERE session_id = $1 AND org_id = $2 AND environment_id = $3
            """,
            sessionId, orgId, environmentId
        ).first.map(SessionRecord.init(row:))
    }

    /// A session that never got an Odoo session (denied by a target rule, or failed): kept so that End and Revoke
    /// of it are answered as not active rather than unknown. False when the session already has a row.
    static func insertClosed(
        _ approved: InitiateApproved, status: SessionRecord.Status, _ connection: PostgresConnection
    ) async throws -> Bool {
        try await connection.query(
            """
            INSERT INTO sessions (session_id, request_id, org_id, environment_id, actor, environment, status, ended_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, now())
            ON CONFLICT DO NOTHING
            """,
            approved.sessionId, approved.requestId, approved.orgId, approved.environmentId,
            try PostgresJSON(encoding: approved.actor), try PostgresJSON(encoding: approved.environment),
            status.rawValue
        ).affectedRows == 1
    }

    /// Makes the link unusable at once, in its own transaction, before the Odoo session is deleted.
    /// Replaces the environment a session's Odoo session is reached through (host, port, user, pin, runtime).
    static func updateEnvironment(sessionId: String, to environment: EnvironmentSnapshot, _ pool: PostgresPool)
        async throws
    {
        try await pool.query(
            "UPDATE sessions SET environment = $2 WHERE session_id = $1", sessionId,
            try PostgresJSON(encoding: environment))
    }

    static func burnLink(sessionId: String, _ pool: PostgresPool) async throws {
        try await pool.query(
            "UPDATE sessions SET link_burnt_at = now() WHERE session_id = $1 AND link_burnt_at IS NULL", sessionId)
    }

    /// Closes an active session whose Odoo session was just deleted, and schedules the second delete. False when
    /// it was no longer active (another path closed it first): then no event may be published for it.
    static func close(
        sessionId: String, as status: SessionRecord.Status, secondDeleteSeconds: Int, _ connection: PostgresConnection
    ) async throws -> Bool {
        try await connection.query(
            """
            UPDATE sessions SET status = $2, ended_at = now(), odoo_deleted_at = now(),
                link_burnt_at = coalesce(link_burnt_at, now()),
                delete_due_at = now() + $3::integer * interval '1 second', delete_attempts = 0, lease_until = NULL,
                last_error = NULL
            WHERE session_id = $1 AND status IN ('issued', 'redeemed')
            """,
            sessionId, status.rawValue, secondDeleteSeconds
        ).affectedRows == 1
    }

    /// Marks an active session failed because its Odoo session could not be deleted; the timer keeps trying to
    /// delete it in the background. False when it was no longer active.
    static func fail(
        sessionId: String, error: String, retryInSeconds: Int, _ connection: PostgresConnection
    )
        async throws -> Bool
    {
        try await connection.query(
            """
            UPDATE sessions SET status = 'failed', ended_at = now(), link_burnt_at = coalesce(link_burnt_at, now()),
                delete_due_at = now() + $3::integer * interval '1 second', lease_until = NULL, last_error = $2
            WHERE session_id = $1 AND status IN ('issued', 'redeemed')
            """,
            sessionId, error, retryInSeconds
        ).affectedRows == 1
    }
}
