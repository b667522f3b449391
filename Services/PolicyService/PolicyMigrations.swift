import ConnectAsPostgres

/// policy-service's tables, in its own schema next to the runtime's `processed_messages` and `outbox`.
///
/// - `orgs`, `members`, `environments`: the latest record of each key of the compacted `platform.*` topics, the
///   whole payload in `record` (read back through the schema's decoders) and the columns decisions look up by.
///   A tombstone deletes the row of its Kafka key. `members` is keyed like its topic, `<orgId>/<platformUserId>`.
/// - `decisions`: one row per command decided, keyed by command kind and request id, so a command re-published
///   under a new event id is not decided twice.
/// - `initiations`: every approved initiation: the rate windows count it (by client IP, by environment) and an end
///   or revoke finds its session (org, environment, initiator) by session id.
public enum PolicyMigrations {
    public static let all: [PostgresMigration] = [
        PostgresMigration(
            version: 1, name: "platform state copy, decisions and initiations",
            sql: """
                CREATE TABLE orgs (
                    org_id text PRIMARY KEY,
                    plan text NOT NULL,
                    record jsonb NOT NULL,
                    source_event_id text NOT NULL,
                    updated_at timestamptz NOT NULL DEFAULT now()
                );
                CREATE TABLE members (
                    member_key text PRIMARY KEY,
                    org_id text NOT NULL,
                    platform_user_id text NOT NULL,
                    role text NOT NULL,
                    record jsonb NOT NULL,
                    source_event_id text NOT NULL,
                    updated_at timestamptz NOT NULL DEFAULT now(),
                    UNIQUE (org_id, platform_user_id)
                );
                CREATE TABLE environments (
                    environment_id text PRIMARY KEY,
                    org_id text NOT NULL,
                    status text NOT NULL,
                    record jsonb NOT NULL,
                    source_event_id text NOT NULL,
                    updated_at timestamptz NOT NULL DEFAULT now()
                );
                CREATE TABLE decisions (
                    command text NOT NULL,
                    request_id text NOT NULL,
                    outcome text CHECK (outcome IN ('approved', 'denied')),
                    denial_code text,
                    session_id text,
                    decided_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (command, request_id)
                );
                CREATE TABLE initiations (
                    request_id text PRIMARY KEY,
                    session_id text NOT NULL UNIQUE,
                    org_id text NOT NULL,
                    environment_id text NOT NULL,
                    actor_platform_user_id text NOT NULL,
                    client_ip text NOT NULL,
                    approved_at timestamptz NOT NULL
                );
                CREATE INDEX initiations_by_client_ip ON initiations (client_ip, approved_at);
                CREATE INDEX initiations_by_environment ON initiations (environment_id, approved_at);
                """)
    ]
}
