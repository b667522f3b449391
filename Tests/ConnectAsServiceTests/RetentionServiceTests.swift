import ConnectAsPostgres
import Foundation
import Logging
import TestSupport
import Testing

@testable import ConnectAsService

/// The pruning every service runs, against the local stack's PostgreSQL in a schema of its own.
@Suite struct RetentionServiceTests {
    @Test func oldRowsGoInBatchesAndOnlyThoseTheRulesLetGo() async throws {
        let logger = Logger(label: "retention-tests")
        try await TestSchema.withPool("retention", logger: logger) { pool, schema in
            try await ServiceContext.migrate(
                pool, service: "retention-test", schema: schema, migrations: [], logger: logger)
            try await pool.query("CREATE TABLE work (id int PRIMARY KEY, finished_at timestamptz, done boolean)")
            try await pool.query(
                """
                INSERT INTO processed_messages (message_id, message_type, topic, processed_at)
                SELECT 'old-' || n, 't', 'x', now() - interval '40 days' FROM generate_series(1, 12) n
                UNION ALL SELECT 'new-' || n, 't', 'x', now() - interval '1 day' FROM generate_series(1, 3) n
                """)
            try await pool.query(
                """
                INSERT INTO work VALUES (1, now() - interval '40 days', true), (2, now() - interval '40 days', false),
                    (3, now() - interval '1 day', true)
                """)
            let service = RetentionService(
                pool: pool, logger: logger, retention: .seconds(30 * 86_400),
                rules: [RetentionRule(table: "work", column: "finished_at", condition: "done")], batchSize: 5)

            // 12 old ids in batches of 5: three statements, until one deletes fewer than a batch.
            #expect(await service.pruneOnce() == ["processed_messages": 12, "work": 1])
            #expect(
                try await pool.query("SELECT string_agg(message_id, ',' ORDER BY message_id) FROM processed_messages")
                    .scalar(as: String.self) == "new-1,new-2,new-3")
            #expect(try await pool.query("SELECT string_agg(id::text, ',' ORDER BY id) FROM work")
                .scalar(as: String.self) == "2,3")
            #expect(await service.pruneOnce() == ["processed_messages": 0, "work": 0])
        }
    }

    @Test func retentionIsReadInDays() async throws {
        let environment = [
            "CONNECTAS_KAFKA_BROKERS": "127.0.0.1:9092", "CONNECTAS_PG_URL": "postgresql://u:p@127.0.0.1:5432/d",
        ]
        let defaults = try await ServiceConfiguration.load(service: .notifier, environment: environment)
        #expect(defaults.retention == .seconds(30 * 86_400))
        let set = try await ServiceConfiguration.load(
            service: .notifier, environment: environment.merging(["CONNECTAS_RETENTION_DAYS": "7"]) { $1 })
        #expect(set.retention == .seconds(7 * 86_400))
        await #expect {
            try await ServiceConfiguration.load(
                service: .notifier, environment: environment.merging(["CONNECTAS_RETENTION_DAYS": "0"]) { $1 })
        } throws: { ($0 as? ConfigurationError)?.environmentVariable == "CONNECTAS_RETENTION_DAYS" }
    }
}
