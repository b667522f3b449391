import ConnectAsPlatformState
import ConnectAsPostgres
import ConnectAsService

/// audit-writer's tables, in its own schema (`audit_writer`).
///
/// - `audit_events`: one immutable row per event of `connectas.events`, numbered (`seq`) and hash-chained
///   (`hash` = SHA-256(`prev_hash` ‖ `canonical`)). The database refuses UPDATE, DELETE and TRUNCATE on it: a
///   statement trigger raises for every role, superusers included (only disabling the trigger, which needs
///   ownership or superuser rights, gets past it, and then the chain shows the change), and the privileges are
///   revoked from PUBLIC and from the owning role itself.
/// - `audit_chain_head`: the last `seq` and `hash`, one row; writers lock it, so records are chained one at a time
///   across replicas, and `verify` can tell a chain cut short at its end.
/// - `audit_sessions`: the per-session view, updated from the events (mutable; the events are the record).
public enum AuditMigrations {
    public static let all: [PostgresMigration] = [
        PostgresMigration(
            version: 1, name: "append-only audit events with a hash chain, and the session view",
            sql: """
                CREATE TABLE audit_events (
                    seq bigint PRIMARY KEY CHECK (seq > 0),
                    event_id text NOT NULL UNIQUE,
                    event_type text NOT NULL,
                    event_time timestamptz NOT NULL,
                    source text NOT NULL,
                    subject text,
                    session_id text,
                    request_id text,
                    org_id text,
                    environment_id text,
                    actor_id text,
                    actor_email text,
                    target_login text,
                    target_odoo_user_id bigint,
                    -- The exact bytes that were hashed: the whole CloudEvent in the codec's deterministic encoding.
                    -- Text, not jsonb: jsonb would reorder it, and refuses the escaped NUL a refused reason may hold.
                    canonical text NOT NULL,
                    prev_hash bytea NOT NULL CHECK (octet_length(prev_hash) = 32),
                    hash bytea NOT NULL CHECK (octet_length(hash) = 32),
                    recorded_at timestamptz NOT NULL DEFAULT now()
                );
                CREATE INDEX audit_events_session ON audit_events (session_id, seq) WHERE session_id IS NOT NULL;
                CREATE INDEX audit_events_request ON audit_events (request_id, seq);
                CREATE INDEX audit_events_org_time ON audit_events (org_id, event_time);
                CREATE INDEX audit_events_environment_time ON audit_events (environment_id, event_time);

                CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
                        USING ERRCODE = 'insufficient_privilege',
                              HINT = 'audit records are retained indefinitely and never changed';
                END $$;
                CREATE TRIGGER audit_events_append_only
                    BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_events
                    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();
                REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM PUBLIC;
                REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM CURRENT_USER;

                CREATE TABLE audit_chain_head (
                    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
                    seq bigint NOT NULL,
                    hash bytea NOT NULL CHECK (octet_length(hash) = 32)
                );
                INSERT INTO audit_chain_head (seq, hash) VALUES (0, decode(repeat('00', 32), 'hex'));

                CREATE TABLE audit_sessions (
                    id bigserial PRIMARY KEY,
                    -- NULL only for an initiation denied before a session id was assigned.
                    session_id text UNIQUE,
                    request_id text NOT NULL,
                    org_id text NOT NULL,
                    environment_id text NOT NULL,
                    actor_id text NOT NULL,
                    actor_email text NOT NULL,
                    actor_role text,
                    target_odoo_user_id bigint,
                    target_login text,
                    target_display_name text,
                    target_email text,
                    reason text,
                    client_ip text,
                    user_agent text,
                    status text NOT NULL CHECK (status IN
                        ('initiated', 'redeemed', 'ended', 'revoked', 'denied', 'expired', 'failed')),
                    initiated_at timestamptz,
                    link_expires_at timestamptz,
                    session_expires_at timestamptz,
                    redeemed_at timestamptz,
                    browser_ip text,
                    ended_at timestamptz,
                    end_reason text,
                    ended_by text,
                    denial_code text,
                    failure_code text,
                    notified_at timestamptz,
                    last_event_seq bigint NOT NULL,
                    updated_at timestamptz NOT NULL DEFAULT now()
                );
                CREATE UNIQUE INDEX audit_sessions_denied_request ON audit_sessions (request_id)
                    WHERE session_id IS NULL;
                CREATE INDEX audit_sessions_org_initiated ON audit_sessions (org_id, initiated_at);
                CREATE INDEX audit_sessions_environment_initiated ON audit_sessions (environment_id, initiated_at);

                -- The view only moves forward: initiated, then redeemed, then one final status.
                CREATE FUNCTION audit_status_rank(status text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
                    SELECT CASE status WHEN 'initiated' THEN 0 WHEN 'redeemed' THEN 1 ELSE 2 END
                $$;
                -- Timestamps in the API look like the events' own: RFC 3339, UTC, milliseconds.
                CREATE FUNCTION audit_rfc3339(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
                    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
                $$;
                """),
        PostgresMigration(
            version: 2, name: "the chain head only follows the chain; nothing deletes it",
            sql: """
                -- audit-writer's role may UPDATE the head (it is how appends are serialised), but only to the record
                -- just appended: one step forward, with that record's hash.
                -- Its own search path: it must find this schema's records whoever's session fires it.
                CREATE FUNCTION audit_chain_head_follow() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT
                AS $$
                BEGIN
                    IF NEW.seq <> OLD.seq + 1 OR NOT EXISTS (
                        SELECT 1 FROM audit_events e WHERE e.seq = NEW.seq AND e.hash = NEW.hash) THEN
                        RAISE EXCEPTION 'audit_chain_head only moves to the record just appended'
                            USING ERRCODE = 'insufficient_privilege';
                    END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER audit_chain_head_follows BEFORE UPDATE ON audit_chain_head
                    FOR EACH ROW EXECUTE FUNCTION audit_chain_head_follow();
                CREATE TRIGGER audit_chain_head_kept BEFORE DELETE OR TRUNCATE ON audit_chain_head
                    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();
                """),
        PostgresMigration(
            version: 3, name: "records hashed over every field; signed checkpoints of the chain",
            sql: """
                -- 1: the hash covers the canonical event alone (records appended before this migration);
                -- 2: it covers every stored field (AuditRecord.hashedBytes).
                ALTER TABLE audit_events ADD COLUMN record_version smallint NOT NULL DEFAULT 1
                    CHECK (record_version IN (1, 2));
                -- What audit-writer signed and published to connectas.audit.checkpoints; the topic, not this table,
                -- is the anchor (an insider who can rewrite the records can rewrite this too).
                CREATE TABLE audit_checkpoints (
                    seq bigint PRIMARY KEY,
                    head_hash bytea NOT NULL CHECK (octet_length(head_hash) = 32),
                    signed_at text NOT NULL,
                    key_id text NOT NULL,
                    signature text NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now()
                );
                CREATE TRIGGER audit_checkpoints_append_only
                    BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_checkpoints
                    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();
                """),
        PostgresMigration(
            version: 4, name: "audit-writer's own copy of platform state, for deciding who may read the audit",
            sql: PlatformStateTables.sql),
        PostgresMigration(
            version: 5, name: "the head trigger finds the records in this schema only, never in pg_temp",
            sql: """
                ALTER FUNCTION audit_chain_head_follow() SET search_path = audit_writer, pg_temp;
                """),
    ]

    /// What audit-writer's own role may do (``DatabaseGrants``): the records are INSERT and SELECT only, the head
    /// moves forward only (the trigger above), the session view is kept up to date but never deleted from.
    public static let grants = DatabaseGrants(tables: [
        "audit_events": [.select, .insert],
        "audit_chain_head": [.select, .update],
        "audit_sessions": [.select, .insert, .update],
        "audit_checkpoints": [.select, .insert],
    ])
}
