import ConnectAsPostgres

/// The read API's queries. PostgreSQL writes the JSON itself, so each record's CloudEvent is passed through
/// byte for byte (`canonical::json`) instead of being decoded and re-encoded on the way out.
enum AuditQueries {
    /// One record as the API shows it; `e` is the `audit_events` row.
    static let eventJSON = """
        json_build_object(
            'seq', e.seq, 'eventId', e.event_id, 'type', e.event_type, 'time', audit_rfc3339(e.event_time),
            'source', e.source, 'subject', e.subject, 'sessionId', e.session_id, 'requestId', e.request_id,
            'orgId', e.org_id, 'environmentId', e.environment_id,
            'actor', CASE WHEN e.actor_id IS NULL THEN NULL
                ELSE json_build_object('platformUserId', e.actor_id, 'email', e.actor_email) END,
            'targetLogin', e.target_login, 'targetOdooUserId', e.target_odoo_user_id,
            'recordedAt', audit_rfc3339(e.recorded_at),
            'previousHash', encode(e.prev_hash, 'hex'), 'hash', encode(e.hash, 'hex'),
            'event', e.canonical::json)
        """

    /// One row of the session view; `s` is the `audit_sessions` row.
    static let sessionJSON = """
        json_build_object(
            'sessionId', s.session_id, 'requestId', s.request_id, 'orgId', s.org_id,
            'environmentId', s.environment_id, 'status', s.status,
            'actor', json_build_object('platformUserId', s.actor_id, 'email', s.actor_email, 'role', s.actor_role),
            'target', json_build_object('odooUserId', s.target_odoo_user_id, 'login', s.target_login,
                'displayName', s.target_display_name, 'email', s.target_email),
            'reason', s.reason, 'clientIp', s.client_ip, 'userAgent', s.user_agent,
            'initiatedAt', audit_rfc3339(s.initiated_at), 'linkExpiresAt', audit_rfc3339(s.link_expires_at),
            'sessionExpiresAt', audit_rfc3339(s.session_expires_at), 'redeemedAt', audit_rfc3339(s.redeemed_at),
            'browserIp', s.browser_ip, 'endedAt', audit_rfc3339(s.ended_at), 'endReason', s.end_reason,
            'endedBy', s.ended_by, 'denialCode', s.denial_code, 'failureCode', s.failure_code,
            'notifiedAt', audit_rfc3339(s.notified_at), 'lastEventSeq', s.last_event_seq,
            'updatedAt', audit_rfc3339(s.updated_at))
        """

    /// `{"session": …, "events": […]}` for a session id, or nil when the view has no such session. With `orgID`
    /// (the platform's question), only that org's session and its own records: another org's command naming the
    /// same session id (refused) stays out of it.
    static func session(_ sessionID: String, orgID: String? = nil, pool: PostgresPool) async throws -> String? {
        let rows = try await pool.query(
            """
            SELECT json_build_object(
                'session', \(sessionJSON),
                'events', COALESCE(
                    (SELECT json_agg(\(eventJSON) ORDER BY e.seq) FROM audit_events e
                     WHERE e.session_id = s.session_id AND ($2::text IS NULL OR e.org_id = s.org_id)),
                    '[]'::json))::text
            FROM audit_sessions s WHERE s.session_id = $1 AND ($2::text IS NULL OR s.org_id = $2)
            """, sessionID, orgID)
        return try rows.first?.decode(0, as: String.self)
    }

    /// `{"sessions": […], "events": […]}` for a request id: what became of one command, including an initiation
    /// denied before it had a session, and the end or revoke requests, whose events carry their own request id.
    static func request(_ requestID: String, pool: PostgresPool) async throws -> String {
        try await pool.query(
            """
            SELECT json_build_object(
                'sessions', COALESCE(
                    (SELECT json_agg(\(sessionJSON) ORDER BY s.id) FROM audit_sessions s WHERE s.request_id = $1),
                    '[]'::json),
                'events', COALESCE(
                    (SELECT json_agg(\(eventJSON) ORDER BY e.seq) FROM audit_events e WHERE e.request_id = $1),
                    '[]'::json))::text
            """, requestID
        ).scalar(as: String.self)
    }

    /// `{"events": […], "next": n}`: up to `limit` records after sequence number `after`, in order; `next` is the
    /// `after` to ask for the following page (the same value again when nothing new has come).
    static func events(after: Int64, limit: Int, pool: PostgresPool) async throws -> String {
        try await pool.query(
            """
            SELECT json_build_object(
                'events', COALESCE(json_agg(page.record ORDER BY page.seq), '[]'::json),
                'next', COALESCE(max(page.seq), $1))::text
            FROM (SELECT e.seq, \(eventJSON) AS record FROM audit_events e
                  WHERE e.seq > $1 ORDER BY e.seq LIMIT $2) page
            """, after, limit
        ).scalar(as: String.self)
    }
}
