import ConnectAsPostgres
import ConnectAsSchema
import Foundation

/// What notifier keeps about a session between its events (`notifier_sessions`).
struct RememberedSession: Sendable {
    var sessionID: String
    var requestID: String
    var orgID: String
    var environmentID: String
    var actorEmail: String
    var notifyEmail: Bool
    var notifyBell: Bool
    var language: NotificationLanguage
    var reason: String
    var maxSessionSeconds: Int
    var target: ResolvedTarget?
    var sessionExpiresAt: Date?

    /// From the approval: the org's settings as they were when the session was approved.
    static func remember(_ approved: InitiateApproved, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO notifier_sessions (
                session_id, request_id, org_id, environment_id, actor_email, notify_email, notify_bell, language,
                reason, max_session_seconds)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT (session_id) DO UPDATE SET
                request_id = EXCLUDED.request_id, org_id = EXCLUDED.org_id, environment_id = EXCLUDED.environment_id,
                actor_email = EXCLUDED.actor_email, notify_email = EXCLUDED.notify_email,
                notify_bell = EXCLUDED.notify_bell, language = EXCLUDED.language, reason = EXCLUDED.reason,
                max_session_seconds = EXCLUDED.max_session_seconds, updated_at = now()
            """,
            approved.sessionId, approved.requestId, approved.orgId, approved.environmentId, approved.actor.email,
            approved.notifications.channels.contains(.email), approved.notifications.channels.contains(.bell),
            approved.notifications.language.rawValue, approved.reason, approved.maxSessionDurationSeconds)
    }

    /// From the issued link: who the target turned out to be, and when the session will end.
    static func remember(_ issued: SessionLinkIssued, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE notifier_sessions SET target_odoo_user_id = $2, target_login = $3, target_display_name = $4,
                target_email = $5, session_expires_at = $6, updated_at = now()
            WHERE session_id = $1
            """,
            issued.sessionId, issued.target.odooUserId, issued.target.login, issued.target.displayName,
            issued.target.email, issued.sessionExpiresAt)
    }

    static func forget(_ sessionID: String, on connection: PostgresConnection) async throws {
        try await connection.query("DELETE FROM notifier_sessions WHERE session_id = $1", sessionID)
    }

    static func load(_ sessionID: String, on connection: PostgresConnection) async throws -> RememberedSession? {
        guard
            let row = try await connection.query("SELECT * FROM notifier_sessions WHERE session_id = $1", sessionID)
                .first
        else { return nil }
        var target: ResolvedTarget?
        if let id = try row.decode("target_odoo_user_id", as: Int?.self) {
            target = ResolvedTarget(
                odooUserId: id, login: try row.decode("target_login"),
                displayName: try row.decode("target_display_name"), email: try row.decode("target_email"))
        }
        let language: String = try row.decode("language")
        return RememberedSession(
            sessionID: sessionID, requestID: try row.decode("request_id"), orgID: try row.decode("org_id"),
            environmentID: try row.decode("environment_id"), actorEmail: try row.decode("actor_email"),
            notifyEmail: try row.decode("notify_email"), notifyBell: try row.decode("notify_bell"),
            language: NotificationLanguage(rawValue: language) ?? .english, reason: try row.decode("reason"),
            maxSessionSeconds: try row.decode("max_session_seconds"), target: target,
            sessionExpiresAt: try row.decode("session_expires_at"))
    }
}
