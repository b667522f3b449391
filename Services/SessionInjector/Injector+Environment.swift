import ConnectAsPostgres
import ConnectAsSchema
import ConnectAsService
import Foundation

extension Injector {
    /// Keeps the environment's current connection, and moves every session of it that may still need a delete
    /// (open, or with a delete owed) onto it. A session whose delete failed on a stale host key is thereby retried
    /// against the corrected record at its next attempt. A tombstone changes nothing: the sessions keep the last
    /// connection known, which is all there is to reach their server.
    func environmentChanged(_ state: EnvironmentState, recordTime: Date, processing: ProcessingContext) async throws {
        let snapshot = try PostgresJSON(encoding: state.snapshot)
        var moved = 0
        try await processing.commit { transaction in
            let stored = try await transaction.connection.query(
                """
                INSERT INTO environments (environment_id, org_id, snapshot, record_time)
                VALUES ($1, $2, $3, $4)
                ON CONFLICT (environment_id) DO UPDATE
                    SET org_id = excluded.org_id, snapshot = excluded.snapshot, record_time = excluded.record_time,
                        updated_at = now()
                    WHERE environments.record_time <= excluded.record_time
                """, state.environmentId, state.orgId, snapshot, recordTime)
            guard stored.affectedRows == 1 else { return }
            moved = try await transaction.connection.query(
                """
                UPDATE sessions SET environment = $3
                WHERE environment_id = $1 AND org_id = $2 AND environment <> $3
                    AND (status IN ('issued', 'redeemed') OR delete_due_at IS NOT NULL)
                """, state.environmentId, state.orgId, snapshot
            ).affectedRows
        }
        if moved > 0 {
            logger.info(
                "environment's connection changed: its open sessions and owed deletes use the new record",
                metadata: ["connectas.environment.id": "\(state.environmentId)", "connectas.sessions": "\(moved)"])
        }
    }
}
