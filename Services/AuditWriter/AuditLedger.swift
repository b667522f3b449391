import ConnectAsPostgres
import ConnectAsSchema
import Foundation

/// Appends records to `audit_events`, chained to the head, inside the caller's (serializable) transaction.
enum AuditLedger {
    /// Appends `event`, unless a record with its id exists; returns the record's sequence number, or nil when it was
    /// already there.
    ///
    /// The head row is locked for the rest of the transaction, so concurrent writers (replicas on other partitions)
    /// chain their records one after the other; under SERIALIZABLE the second one fails with a serialization error
    /// and its whole transaction is run again on the new head.
    static func append(_ event: DecodedEvent, canonical: Data, on connection: PostgresConnection) async throws -> Int64?
    {
        let id = event.attributes.id
        if try await connection.query("SELECT 1 FROM audit_events WHERE event_id = $1", id.storableAsText).count > 0 {
            return nil
        }
        let head = try await connection.query("SELECT seq, hash FROM audit_chain_head FOR UPDATE")
        guard let row = head.first else {
            throw PostgresError(.decodingFailed, message: "audit_chain_head has no row: the migration did not run")
        }
        let previousSeq: Int64 = try row.decode("seq")
        let previousHash: Data = try row.decode("hash")
        let seq = previousSeq + 1
        let record = AuditRecord(
            seq: seq, event: event, canonical: String(decoding: canonical, as: UTF8.self),
            recordedAtMicros: AuditRecord.micros(Date()))
        let hash = AuditChain.hash(previous: previousHash, record: record)
        try await connection.query(
            """
            INSERT INTO audit_events (
                seq, event_id, event_type, event_time, source, subject, session_id, request_id, org_id,
                environment_id, actor_id, actor_email, target_login, target_odoo_user_id, canonical, prev_hash, hash,
                recorded_at, record_version)
            VALUES ($1, $2, $3, $4::timestamptz, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                $18::timestamptz, $19)
            """,
            seq, record.eventID, record.eventType, AuditRecord.timestampText(micros: record.eventTimeMicros),
            record.source, record.subject, record.sessionID, record.requestID, record.orgID, record.environmentID,
            record.actorID, record.actorEmail, record.targetLogin, record.targetOdooUserID, record.canonical,
            previousHash, hash, AuditRecord.timestampText(micros: record.recordedAtMicros), Int64(record.version))
        try await connection.query("UPDATE audit_chain_head SET seq = $1, hash = $2", seq, hash)
        return seq
    }
}
