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
    /// Where the bell is rung: the environment's connection as policy-service approved it.
    var environment: EnvironmentSnapshot?
    var redeemedAt: Date?
    var browserIP: String?

    /// From the approval: the org's settings as they were when the session was approved.
    static func remember(_ approved: InitiateApproved, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO notifier_sessions (
                session_id, request_id, org_id, environment_id, actor_email, notify_email, notify_bell, language,
                reason, max_session_seconds, environment)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            ON CONFLICT (session_id) DO UPDATE SET
                request_id = EXCLUDED.request_id, org_id = EXCLUDED.org_id, environment_id = EXCLUDED.environment_id,
                actor_email = EXCLUDED.actor_email, notify_email = EXCLUDED.notify_email,
                notify_bell = EXCLUDED.notify_bell, language = EXCLUDED.language, reason = EXCLUDED.reason,
                max_session_seconds = EXCLUDED.max_session_seconds, environment = EXCLUDED.environment,
                updated_at = now()
            """,
            approved.sessionId, approved.requestId, approved.orgId, approved.environmentId, approved.actor.email,
            approved.notifications.channels.contains(.email), approved.notifications.channels.contains(.bell),
            approved.notifications.language.rawValue, approved.reason, approved.maxSessionDurationSeconds,
            try PostgresJSON(encoding: approved.environment))
    }

    /// From the issued link: who the target turned out to be, and when the session will end.
    static func remember(_ issued: SessionLinkIssued, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE notifier_sessions SET target_odoo_user_id = $2, target_login = $3, target_display_name = $4,
                target_email = $5, session_expires_at = $6, target_language = $7, updated_at = now()
            WHERE session_id = $1
            """,
            issued.sessionId, issued.target.odooUserId, issued.target.login, issued.target.displayName,
            issued.target.email, issued.sessionExpiresAt, issued.target.language)
    }

    /// From the redeem: when and from where support signed in, for the notices that follow.
    static func markRedeemed(
        _ sessionID: String, at time: Date, browserIP: String, on connection: PostgresConnection
    ) async throws {
        try await connection.query(
            """
            UPDATE notifier_sessions SET redeemed_at = coalesce(redeemed_at, $2), browser_ip = coalesce(browser_ip, $3),
                updated_at = now()
            WHERE session_id = $1
            """, sessionID, time, browserIP)
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
                displayName: try row.decode("target_display_name"), email: try row.decode("target_email"),
                language: try row.decode("target_language"))
        }
        let environment = try row.decode("environment", as: PostgresJSON?.self).flatMap {
            try? $0.decode(EnvironmentSnapshot.self)
        }
        let language: String = try row.decode("language")
        return RememberedSession(
            sessionID: sessionID, requestID: try row.decode("request_id"), orgID: try row.decode("org_id"),
            environmentID: try row.decode("environment_id"), actorEmail: try row.decode("actor_email"),
            notifyEmail: try row.decode("notify_email"), notifyBell: try row.decode("notify_bell"),
            language: NotificationLanguage(rawValue: language) ?? .english, reason: try row.decode("reason"),
            maxSessionSeconds: try row.decode("max_session_seconds"), target: target,
            sessionExpiresAt: try row.decode("session_expires_at"), environment: environment,
            redeemedAt: try row.decode("redeemed_at"), browserIP: try row.decode("browser_ip"))
    }
}
