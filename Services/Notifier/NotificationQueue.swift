import ConnectAsPostgres
import ConnectAsSchema
import Foundation

/// The `notifications` table as a work queue shared by every replica.
///
/// A claim takes due rows with `FOR UPDATE SKIP LOCKED`, so replicas never pick the same row, and pushes their
/// `next_attempt_at` past the send's time limit: the claim outlives its short transaction without holding a
/// connection during the SMTP conversation, and a replica that dies mid-send leaves the row to be picked up again
/// (and resent with the same Message-ID) once that lease is over.
enum NotificationQueue {
    struct Enqueued: Sendable {
        var sessionID: String
        var eventKind: String
        var channel: NotificationChannel
        var requestID: String
        var orgID: String
        var environmentID: String
        var language: NotificationLanguage
        var recipient: ResolvedTarget
        var recipientEmail: String?
        var notifiedEventID: String
        var notifiedEventType: String
        var sourceTopic: String
        var sourcePartition: Int32
        var sourceOffset: Int64
        var sourceKey: Data?
        var sourcePayload: Data
        var messageID: String
        var subject: String
        var bodyText: String
        var bodyHTML: String?
        /// The bell's text and where to ring it.
        var bellText: String?
        var environment: EnvironmentSnapshot?
        /// Set for a notice that cannot be attempted at all: the row is written as failed, with this reason.
        var failedReason: String? = nil
    }

    /// Queues a notification unless one exists for the same session, event kind and channel; returns whether it
    /// was queued (for a notice with a `failedReason`: whether it was recorded now, so it is audited once).
    @discardableResult
    static func enqueue(_ n: Enqueued, on connection: PostgresConnection) async throws -> Bool {
        let identity = PendingNotification.identity(sessionID: n.sessionID, eventKind: n.eventKind, channel: n.channel)
        return try await connection.query(
            """
            INSERT INTO notifications (
                notification_id, session_id, event_kind, channel, request_id, org_id, environment_id, language,
                recipient_odoo_user_id, recipient_login, recipient_display_name, recipient_email, notified_event_id,
                notified_event_type, source_topic, source_partition, source_offset, source_key, source_payload,
                message_id, subject, body_text, body_html, bell_text, environment, status, last_error, failed_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
                $22, $23, $24, $25, CASE WHEN $26::text IS NULL THEN 'pending' ELSE 'failed' END, $26::text,
                CASE WHEN $26::text IS NULL THEN NULL ELSE now() END)
            ON CONFLICT DO NOTHING
            """,
            parameters: [
                identity, n.sessionID, n.eventKind, n.channel.rawValue, n.requestID, n.orgID, n.environmentID,
                n.language.rawValue, n.recipient.odooUserId, n.recipient.login, n.recipient.displayName,
                n.recipientEmail, n.notifiedEventID, n.notifiedEventType, n.sourceTopic, n.sourcePartition,
                n.sourceOffset, n.sourceKey, n.sourcePayload, n.messageID, n.subject, n.bodyText, n.bodyHTML,
                n.bellText, try n.environment.map { try PostgresJSON(encoding: $0) }, n.failedReason,
            ]
        ).affectedRows == 1
    }

    /// Claims up to `limit` due notifications for `lease`.
    static func claim(limit: Int, lease: Duration, pool: PostgresPool) async throws -> [PendingNotification] {
        let rows = try await pool.transaction(isolation: .readCommitted) { connection in
            try await connection.query(
                """
                UPDATE notifications SET attempts = attempts + 1,
                    next_attempt_at = now() + make_interval(secs => $2)
                WHERE id IN (
                    SELECT id FROM notifications n WHERE status = 'pending' AND next_attempt_at <= now()
                        -- A session's notices of one channel go out in order: a closing notice never overtakes
                        -- the redeem's, however the retries fall.
                        AND NOT EXISTS (
                            SELECT 1 FROM notifications e WHERE e.session_id = n.session_id
                                AND e.channel = n.channel AND e.status = 'pending' AND e.id < n.id)
                    ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
                RETURNING *
                """, limit, lease.seconds)
        }
        return try rows.map { row in
            let channel: String = try row.decode("channel")
            let language: String = try row.decode("language")
            return PendingNotification(
                id: try row.decode("id"), notificationID: try row.decode("notification_id"),
                sessionID: try row.decode("session_id"), requestID: try row.decode("request_id"),
                orgID: try row.decode("org_id"), environmentID: try row.decode("environment_id"),
                channel: NotificationChannel(rawValue: channel) ?? .email,
                language: NotificationLanguage(rawValue: language) ?? .english,
                recipient: ResolvedTarget(
                    odooUserId: try row.decode("recipient_odoo_user_id"), login: try row.decode("recipient_login"),
                    displayName: try row.decode("recipient_display_name"), email: try row.decode("recipient_email")),
                notifiedEventID: try row.decode("notified_event_id"),
                notifiedEventType: try row.decode("notified_event_type"), sourceTopic: try row.decode("source_topic"),
                sourcePartition: try row.decode("source_partition"), sourceOffset: try row.decode("source_offset"),
                sourceKey: try row.decode("source_key"), sourcePayload: try row.decode("source_payload"),
                messageID: try row.decode("message_id"), subject: try row.decode("subject"),
                bodyText: try row.decode("body_text"), bodyHTML: try row.decode("body_html"),
                bellText: try row.decode("bell_text"),
                environment: try row.decode("environment", as: PostgresJSON?.self).flatMap {
                    try? $0.decode(EnvironmentSnapshot.self)
                },
                attempts: try row.decode("attempts"))
        }
    }

    /// Marks a claimed notification sent; false when it was not pending any more (another replica finished it
    /// after this one's lease ran out).
    static func markSent(_ id: Int64, on connection: PostgresConnection) async throws -> Bool {
        try await connection.query(
            """
            UPDATE notifications SET status = 'sent', sent_at = now(), last_error = NULL
            WHERE id = $1 AND status = 'pending'
            """, id
        ).affectedRows == 1
    }

    /// Puts a failed attempt back in the queue, due after `delay`.
    static func reschedule(_ id: Int64, after delay: Duration, error: String, pool: PostgresPool) async throws {
        try await pool.query(
            """
            UPDATE notifications SET next_attempt_at = now() + make_interval(secs => $2), last_error = $3
            WHERE id = $1 AND status = 'pending'
            """, id, delay.seconds, error)
    }

    /// Gives up on a notification; false when it was not pending any more.
    static func markFailed(_ id: Int64, error: String, on connection: PostgresConnection) async throws -> Bool {
        try await connection.query(
            """
            UPDATE notifications SET status = 'failed', failed_at = now(), last_error = $2
            WHERE id = $1 AND status = 'pending'
            """, id, error
        ).affectedRows == 1
    }
}

extension NotificationQueue {
    /// Hands back a claimed notification that was not attempted (the service is stopping), due at once and with
    /// the claim's attempt undone.
    static func release(_ id: Int64, pool: PostgresPool) async throws {
        try await pool.query(
            """
            UPDATE notifications SET next_attempt_at = now(), attempts = greatest(attempts - 1, 0)
            WHERE id = $1 AND status = 'pending'
            """, id)
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
