import ConnectAsPostgres
import ConnectAsSchema
import Foundation

/// Keeps `audit_sessions` in step with the records, in the same transaction as the record itself.
enum AuditSessionView {
    /// `table` is `audit_sessions`, or the scratch copy ``AuditViewCheck`` rebuilds from the records.
    static func apply(
        _ event: DecodedEvent, seq: Int64, on connection: PostgresConnection, table: String = "audit_sessions"
    ) async throws {
        if case .notificationSent(let sent) = event.message {
            try await markNotified(sent.sessionId, at: event.attributes.time, seq: seq, on: connection, table: table)
            return
        }
        guard let change = AuditSessionChange.from(event) else { return }
        // An initiation refused before policy assigned a session id has a row of its own, keyed by its request.
        let conflict =
            change.sessionID == nil
            ? "ON CONFLICT (request_id) WHERE session_id IS NULL DO NOTHING"
            : "ON CONFLICT (session_id) DO UPDATE SET \(updates)"
        var parameters: [any PostgresEncodable] = [
            change.sessionID.storableAsText, change.requestID.storableAsText, change.orgID.storableAsText,
            change.environmentID.storableAsText, change.actor.platformUserId.storableAsText,
            change.actor.email.storableAsText, change.actorRole, change.targetOdooUserID,
            change.targetLogin.storableAsText, change.resolvedTarget?.displayName.storableAsText,
            change.resolvedTarget?.email.storableAsText, change.reason.storableAsText, change.clientIP.storableAsText,
            change.userAgent.storableAsText, change.status.rawValue, change.initiatedAt, change.linkExpiresAt,
            change.sessionExpiresAt, change.redeemedAt, change.browserIP.storableAsText, change.endedAt,
            change.endReason.storableAsText, change.endedBy.storableAsText, change.denialCode, change.failureCode, seq,
        ]
        if change.sessionID != nil { parameters.append(change.isInitiation) }
        try await connection.query(
            """
            INSERT INTO \(table) AS s (
                session_id, request_id, org_id, environment_id, actor_id, actor_email, actor_role,
                target_odoo_user_id, target_login, target_display_name, target_email, reason, client_ip, user_agent,
                status, initiated_at, link_expires_at, session_expires_at, redeemed_at, browser_ip, ended_at,
                end_reason, ended_by, denial_code, failure_code, last_event_seq)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
                $22, $23, $24, $25, $26)
            \(conflict)
            """, parameters: parameters)
    }

    /// Newest wins for what describes the session, first wins for what happened to it, and the status only moves
    /// forward.
    private static let updates = """
        request_id = CASE WHEN $27 THEN EXCLUDED.request_id ELSE s.request_id END,
            org_id = EXCLUDED.org_id,
            environment_id = EXCLUDED.environment_id,
            actor_id = CASE WHEN $27 THEN EXCLUDED.actor_id ELSE s.actor_id END,
            actor_email = CASE WHEN $27 THEN EXCLUDED.actor_email ELSE s.actor_email END,
            actor_role = COALESCE(EXCLUDED.actor_role, s.actor_role),
            target_odoo_user_id = COALESCE(EXCLUDED.target_odoo_user_id, s.target_odoo_user_id),
            target_login = COALESCE(EXCLUDED.target_login, s.target_login),
            target_display_name = COALESCE(EXCLUDED.target_display_name, s.target_display_name),
            target_email = COALESCE(EXCLUDED.target_email, s.target_email),
            reason = COALESCE(EXCLUDED.reason, s.reason),
            client_ip = COALESCE(EXCLUDED.client_ip, s.client_ip),
            user_agent = COALESCE(EXCLUDED.user_agent, s.user_agent),
            initiated_at = COALESCE(EXCLUDED.initiated_at, s.initiated_at),
            link_expires_at = COALESCE(EXCLUDED.link_expires_at, s.link_expires_at),
            session_expires_at = COALESCE(EXCLUDED.session_expires_at, s.session_expires_at),
            status = CASE WHEN audit_status_rank(EXCLUDED.status) > audit_status_rank(s.status)
                THEN EXCLUDED.status ELSE s.status END,
            redeemed_at = COALESCE(s.redeemed_at, EXCLUDED.redeemed_at),
            browser_ip = COALESCE(s.browser_ip, EXCLUDED.browser_ip),
            ended_at = COALESCE(s.ended_at, EXCLUDED.ended_at),
            end_reason = COALESCE(s.end_reason, EXCLUDED.end_reason),
            ended_by = COALESCE(s.ended_by, EXCLUDED.ended_by),
            denial_code = COALESCE(s.denial_code, EXCLUDED.denial_code),
            failure_code = COALESCE(s.failure_code, EXCLUDED.failure_code),
            last_event_seq = GREATEST(s.last_event_seq, EXCLUDED.last_event_seq),
            updated_at = now()
        """

    /// The impersonated user was told: the audit shows when (the first notification).
    static func markNotified(
        _ sessionID: String, at time: Date, seq: Int64, on connection: PostgresConnection, table: String
    ) async throws {
        try await connection.query(
            """
            UPDATE \(table)
            SET notified_at = COALESCE(notified_at, $2), last_event_seq = GREATEST(last_event_seq, $3),
                updated_at = now()
            WHERE session_id = $1
            """, sessionID, time, seq)
    }
}
