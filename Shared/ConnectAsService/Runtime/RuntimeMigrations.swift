import ConnectAsPostgres

/// The tables every service has in its own schema for exactly-once processing: the ids of the messages it has
/// processed (the idempotent consumer) and the events it will publish (the transactional outbox).
enum RuntimeMigrations {
    static func all(channel: String) -> [PostgresMigration] {
        [
            PostgresMigration(
                version: 1, name: "processed messages and outbox",
                sql: """
                    CREATE TABLE processed_messages (
                        message_id text PRIMARY KEY,
                        message_type text NOT NULL,
                        topic text NOT NULL,
                        processed_at timestamptz NOT NULL DEFAULT now()
                    );
                    CREATE TABLE outbox (
                        id bigserial PRIMARY KEY,
                        topic text NOT NULL,
                        message_key text,
                        payload bytea NOT NULL,
                        event_id text NOT NULL,
                        created_at timestamptz NOT NULL DEFAULT now()
                    );
                    -- Wakes the relay as soon as a transaction that wrote to the outbox commits.
                    CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        PERFORM pg_notify('\(channel)', '');
                        RETURN NULL;
                    END $$;
                    CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
                        FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
                    """),
            PostgresMigration(
                version: 2, name: "parked outbox rows and the content hash of processed messages",
                sql: """
                    -- Rows the broker refused for a reason that will not pass (too large, invalid topic, not
                    -- authorised): kept with the error for an operator, out of the relay's way.
                    CREATE TABLE outbox_parked (
                        id bigint PRIMARY KEY,
                        topic text NOT NULL,
                        message_key text,
                        payload bytea NOT NULL,
                        event_id text NOT NULL,
                        created_at timestamptz NOT NULL,
                        parked_at timestamptz NOT NULL DEFAULT now(),
                        error text NOT NULL
                    );
                    -- A second record under an id already processed is a duplicate only with the same bytes.
                    ALTER TABLE processed_messages ADD COLUMN content_sha256 bytea;
                    """),
        ]
    }
}
