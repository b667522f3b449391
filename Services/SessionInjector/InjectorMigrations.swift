import ConnectAsPostgres

/// session-injector's tables, in its own schema (`session_injector`).
public enum InjectorMigrations {
    public static let all: [PostgresMigration] = [
        PostgresMigration(
            version: 1, name: "sessions",
            sql: """
                -- One row per approved InitiateSession, whatever became of it. The Odoo session id is kept only
                -- sealed (AES-256-GCM, the key store's key, the session id as authenticated data) and the link
                -- token only as its SHA-256: neither is ever stored in clear.
                CREATE TABLE sessions (
                    session_id text PRIMARY KEY,
                    request_id text NOT NULL UNIQUE,
                    org_id text NOT NULL,
                    environment_id text NOT NULL,
                    actor jsonb NOT NULL,
                    -- The Odoo user, once resolved; null for a denial or a failure before that.
                    target jsonb,
                    -- The approval's snapshot: how to reach the server again to delete the session.
                    environment jsonb NOT NULL,
                    status text NOT NULL
                        CHECK (status IN ('issued', 'redeemed', 'ended', 'expired', 'revoked', 'denied', 'failed')),
                    odoo_sid_sealed bytea,
                    key_id text,
                    token_hash bytea UNIQUE,
                    issued_at timestamptz NOT NULL DEFAULT now(),
                    link_expires_at timestamptz,
                    session_expires_at timestamptz,
                    -- The SessionLinkReply went out (it is sent directly, not through the outbox: see README.md).
                    reply_sent_at timestamptz,
                    -- Set when the link can no longer be used: redeemed, ended, revoked or expired.
                    link_burnt_at timestamptz,
                    redeemed_at timestamptz,
                    browser_ip text,
                    ended_at timestamptz,
                    odoo_deleted_at timestamptz,
                    -- A delete still to make: the second pass after every deletion, or one that failed.
                    delete_due_at timestamptz,
                    delete_attempts integer NOT NULL DEFAULT 0,
                    -- A replica's claim on the row while its timer works on it.
                    lease_until timestamptz,
                    last_error text
                );
                CREATE INDEX sessions_issued_due ON sessions (link_expires_at) WHERE status = 'issued';
                CREATE INDEX sessions_redeemed_due ON sessions (session_expires_at) WHERE status = 'redeemed';
                CREATE INDEX sessions_delete_due ON sessions (delete_due_at) WHERE delete_due_at IS NOT NULL;
                CREATE INDEX sessions_reply_pending ON sessions (issued_at)
                    WHERE status = 'issued' AND reply_sent_at IS NULL;
                """),
        PostgresMigration(
            version: 2, name: "the current connection of each environment, for ends and deletes",
            sql: """
                -- The latest platform.environments record's connection part: expiry, ends and deletes reach the
                -- server through it (a host key or address that changed after issue), not the one at issue.
                CREATE TABLE environments (
                    environment_id text PRIMARY KEY,
                    org_id text NOT NULL,
                    snapshot jsonb NOT NULL,
                    -- The record's CloudEvents time: an older record read again (a group reset) never wins.
                    record_time timestamptz NOT NULL,
                    updated_at timestamptz NOT NULL DEFAULT now()
                );
                """),
    ]
}
