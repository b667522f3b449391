import ConnectAsPostgres
import ConnectAsSchema
import Foundation

/// The outcome of checking the audit: the hash chain, every record's columns against its event, the per-session
/// view against the records, and (from `connectas audit verify`) the signed checkpoints against the chain.
public struct AuditVerification: Sendable, Codable, Equatable {
    /// The first place (by sequence number) where the audit does not hold.
    public struct BrokenLink: Sendable, Codable, Equatable {
        public var seq: Int64
        public var eventId: String?
        public var problem: String
    }

    public var intact: Bool
    /// Records whose hash was recomputed.
    public var checkedRecords: Int64
    /// The head the walk started from: the last sequence number and its hash (hex).
    public var headSeq: Int64
    public var headHash: String
    /// Session-view rows rebuilt from the records and compared.
    public var checkedSessions: Int64
    /// Checkpoints whose signature and hash were checked (none when only the database was read).
    public var checkedCheckpoints: Int
    public var firstBroken: BrokenLink?
}

/// Walks `audit_events` in sequence order: every hash is recomputed from the stored fields, every record's columns
/// are derived again from its event, then the session view is rebuilt from the records and compared, and each
/// checkpoint given is checked against the chain.
///
/// It finds an edited record or column, a removed one (a gap), an inserted one (a link that does not match), records
/// cut off the end (the chain stops before the head), an edited view row; and, with checkpoints, a chain rewritten
/// together with its head or cut short with its head moved back (a checkpoint names a hash the chain no longer has).
public enum AuditVerifier {
    public static func verify(
        _ pool: PostgresPool, checkpoints: [AuditCheckpoint] = [], signature: AuditCheckpointSignature? = nil,
        batchSize: Int = 1000
    ) async throws -> AuditVerification {
        // One snapshot for all of it: records appended meanwhile are neither above the head nor missing from the view.
        try await pool.withConnection { connection in
            try await connection.transaction(isolation: .repeatableRead) { transaction in
                try await verify(
                    transaction, checkpoints: checkpoints, signature: signature, batchSize: batchSize)
            }
        }
    }

    static func verify(
        _ pool: PostgresConnection, checkpoints: [AuditCheckpoint], signature: AuditCheckpointSignature?,
        batchSize: Int
    ) async throws -> AuditVerification {
        let head = try await pool.query("SELECT seq, hash FROM audit_chain_head")
        guard let headRow = head.first else {
            throw PostgresError(.decodingFailed, message: "audit_chain_head has no row: the migration did not run")
        }
        let headSeq: Int64 = try headRow.decode("seq")
        let headHash: Data = try headRow.decode("hash")
        var result = AuditVerification(
            intact: true, checkedRecords: 0, headSeq: headSeq, headHash: headHash.hexString, checkedSessions: 0,
            checkedCheckpoints: 0, firstBroken: nil)
        func broken(_ seq: Int64, _ eventID: String?, _ problem: String) -> AuditVerification {
            var result = result
            result.intact = false
            result.firstBroken = .init(seq: seq, eventId: eventID, problem: problem)
            return result
        }

        let wanted = Set(checkpoints.map { Int64($0.seq) })
        var hashes: [Int64: Data] = [:]
        var expectedSeq: Int64 = 1
        var previousHash = AuditChain.genesis
        var newestVersion: Int16 = 1
        // Every record, not only those up to the head: a record above the head is one appended behind its back.
        while true {
            let rows = try await pool.query(
                """
                SELECT \(storedColumns)
                FROM audit_events WHERE seq >= $1 ORDER BY seq LIMIT $2
                """, expectedSeq, batchSize)
            for row in rows {
                let record = try storedRecord(row)
                guard record.seq == expectedSeq else {
                    return broken(expectedSeq, nil, "record \(expectedSeq) is missing (the next one is \(record.seq))")
                }
                guard record.seq <= headSeq else {
                    return broken(record.seq, record.eventID, "the record is above the chain head (\(headSeq))")
                }
                guard record.version >= newestVersion else {
                    return broken(record.seq, record.eventID, "its format is older than an earlier record's")
                }
                newestVersion = record.version
                guard try row.decode("prev_hash", as: Data.self) == previousHash else {
                    return broken(record.seq, record.eventID, "its link does not match the previous record's hash")
                }
                let stored: Data = try row.decode("hash")
                guard AuditChain.hash(previous: previousHash, record: record) == stored else {
                    return broken(record.seq, record.eventID, "its content does not match its hash")
                }
                if let problem = derivedColumnsProblem(record) {
                    return broken(record.seq, record.eventID, problem)
                }
                if wanted.contains(record.seq) { hashes[record.seq] = stored }
                previousHash = stored
                expectedSeq = record.seq + 1
                result.checkedRecords += 1
            }
            if rows.count < batchSize { break }
        }
        if expectedSeq - 1 != headSeq {
            return broken(expectedSeq, nil, "records \(expectedSeq) to \(headSeq) are missing")
        }
        if previousHash != headHash {
            return broken(headSeq, nil, "the chain head's hash does not match the last record's")
        }

        for checkpoint in checkpoints.sorted(by: { $0.seq < $1.seq }) {
            let seq = Int64(checkpoint.seq)
            if let signature, !signature.isValid(checkpoint) {
                return broken(
                    seq, nil,
                    "the checkpoint signed at \(checkpoint.signedAt) does not carry a valid signature of key "
                        + "\(signature.keyID) (its key id: \(checkpoint.keyId))")
            }
            guard let hash = hashes[seq] else {
                return broken(
                    seq, nil,
                    "the chain ends at record \(headSeq), but the checkpoint signed at \(checkpoint.signedAt) "
                        + "attests record \(seq): records were removed from the end")
            }
            guard hash.hexString == checkpoint.headHash else {
                return broken(
                    seq, nil,
                    "record \(seq)'s hash differs from the one the checkpoint signed at \(checkpoint.signedAt) "
                        + "attests: the chain up to it was rewritten")
            }
            result.checkedCheckpoints += 1
        }

        switch try await AuditViewCheck.compare(pool) {
        case .same(let sessions):
            result.checkedSessions = sessions
        case .differs(let key, let lastSeq):
            return broken(
                lastSeq, nil, "the session view's row for \(key) differs from what the records make of it")
        }
        return result
    }

    /// The columns ``storedRecord(_:)`` reads, times as exact microseconds.
    static let storedColumns = """
        seq, event_id, event_type, (extract(epoch FROM event_time) * 1000000)::bigint AS event_time, source, subject,
        session_id, request_id, org_id, environment_id, actor_id, actor_email, target_login, target_odoo_user_id,
        canonical, prev_hash, hash, (extract(epoch FROM recorded_at) * 1000000)::bigint AS recorded_at, record_version
        """

    static func storedRecord(_ row: PostgresRow) throws -> AuditRecord {
        AuditRecord(
            seq: try row.decode("seq"), eventID: try row.decode("event_id"), eventType: try row.decode("event_type"),
            eventTimeMicros: try row.decode("event_time"), source: try row.decode("source"),
            subject: try row.decode("subject"), sessionID: try row.decode("session_id"),
            requestID: try row.decode("request_id"), orgID: try row.decode("org_id"),
            environmentID: try row.decode("environment_id"), actorID: try row.decode("actor_id"),
            actorEmail: try row.decode("actor_email"), targetLogin: try row.decode("target_login"),
            targetOdooUserID: try row.decode("target_odoo_user_id"), canonical: try row.decode("canonical"),
            recordedAtMicros: try row.decode("recorded_at"),
            version: Int16(try row.decode("record_version", as: Int64.self)))
    }

    /// nil when every column says what the record's own event says.
    private static func derivedColumnsProblem(_ record: AuditRecord) -> String? {
        guard let event = try? EventCodec.decode(Data(record.canonical.utf8)) else {
            return "its stored event no longer decodes"
        }
        let derived = AuditRecord(
            seq: record.seq, event: event, canonical: record.canonical, recordedAtMicros: record.recordedAtMicros,
            version: record.version)
        return derived.sameDerivedColumns(as: record) ? nil : "its columns do not say what its event says"
    }
}
