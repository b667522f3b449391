import ConnectAsPostgres

/// notifier's tables, in its own schema (`notifier`).
///
/// - `notifier_sessions`: what notifier needs to remember per session between events: the org's notification
///   settings, the actor and the reason (from InitiateApproved), the resolved target and its e-mail
///   (SessionLinkIssued), when and from where it was redeemed; kept after the session for its closing notice, and
///   pruned with the retention like the notifications.
/// - `notifications`: one row per (session, event kind, channel), inserted in the same transaction that marks the
///   event processed, so exactly one per session event; the sender works through the pending ones. The rendered
///   message is kept, so the row shows exactly what was sent; the notified record's bytes and position are kept for
///   the dead letter a failed notification becomes. A bell row keeps the environment's connection (JSON) and
///   its text; e-mail rows their subject and bodies.
public enum NotifierMigrations {
    public static let all: [PostgresMigration] = [
        PostgresMigration(
            version: 1, name: "remembered sessions and the notification queue",
            sql: """
                CREATE TABLE notifier_sessions (
                    session_id text PRIMARY KEY,
                    request_id text NOT NULL,
                    org_id text NOT NULL,
                    environment_id text NOT NULL,
                    actor_email text NOT NULL,
                    notify_email boolean NOT NULL,
                    notify_bell boolean NOT NULL,
                    language text NOT NULL,
                    reason text NOT NULL,
                    max_session_seconds integer NOT NULL,
                    target_odoo_user_id bigint,
                    target_login text,
                    target_display_name text,
                    target_email text,
                    session_expires_at timestamptz,
                    updated_at timestamptz NOT NULL DEFAULT now()
                );

                CREATE TABLE notifications (
                    id bigserial PRIMARY KEY,
                    notification_id text NOT NULL UNIQUE,
                    session_id text NOT NULL,
                    event_kind text NOT NULL,
                    channel text NOT NULL CHECK (channel IN ('email', 'bell')),
                    UNIQUE (session_id, event_kind, channel),
                    request_id text NOT NULL,
                    org_id text NOT NULL,
                    environment_id text NOT NULL,
                    language text NOT NULL,
                    recipient_odoo_user_id bigint NOT NULL,
                    recipient_login text NOT NULL,
                    recipient_display_name text NOT NULL,
                    recipient_email text NOT NULL,
                    notified_event_id text NOT NULL,
                    notified_event_type text NOT NULL,
                    source_topic text NOT NULL,
                    source_partition integer NOT NULL,
                    source_offset bigint NOT NULL,
                    source_key bytea,
                    source_payload bytea NOT NULL,
                    message_id text NOT NULL,
                    subject text NOT NULL,
                    body_text text NOT NULL,
                    body_html text,
                    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
                    attempts integer NOT NULL DEFAULT 0,
                    -- When a pending row may be picked next: now, after a backoff, or after a claim's lease.
                    next_attempt_at timestamptz NOT NULL DEFAULT now(),
                    last_error text,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    sent_at timestamptz,
                    failed_at timestamptz
                );
                CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE status = 'pending';

                -- Wakes the sender as soon as a transaction that queued a notification commits.
                CREATE FUNCTION notifications_notify() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('notifier_notifications', '');
                    RETURN NULL;
                END $$;
                CREATE TRIGGER notifications_notify AFTER INSERT ON notifications
                    FOR EACH STATEMENT EXECUTE FUNCTION notifications_notify();
                """),
        PostgresMigration(
            version: 2, name: "end-of-session notices, the bell, and the user's own language",
            sql: """
                ALTER TABLE notifier_sessions
                    ADD COLUMN environment jsonb,
                    ADD COLUMN target_language text,
                    ADD COLUMN redeemed_at timestamptz,
                    ADD COLUMN browser_ip text;
                ALTER TABLE notifications
                    ALTER COLUMN recipient_email DROP NOT NULL,
                    ADD COLUMN environment jsonb,
                    ADD COLUMN bell_text text;
                -- Sessions redeemed before this migration: their redeem's notice is the proof, so their end is told
                -- as an end, not as a session never used. (Stop notifiers of the previous release before migrating:
                -- they forget a session at its end.)
                UPDATE notifier_sessions s SET redeemed_at = n.created_at
                    FROM notifications n
                    WHERE n.session_id = s.session_id AND n.event_kind = 'session_redeemed';
                -- The sender takes a session's notices of one channel in the order they were queued.
                CREATE INDEX notifications_session_order ON notifications (session_id, channel, id)
                    WHERE status = 'pending';
                """),
    ]

    /// The NOTIFY channel of new notifications.
    static let channel = "notifier_notifications"
}
