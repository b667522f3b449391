import ConnectAsPostgres
import Foundation

/// The outcome of walking the hash chain.
public struct AuditVerification: Sendable, Codable, Equatable {
    /// The first record (by sequence number) where the chain does not hold.
    public struct BrokenLink: Sendable, Codable, Equatable {
        public var seq: Int64
        public var eventId: String?
        public var problem: String
    }

    public var intact: Bool
    /// Records whose hash was recomputed.
    public var checkedRecords: Int64
    /// The head the walk started from: the last sequence number and its hash (hex), worth keeping outside the
    /// database, since a superuser who rewrites the whole chain from a record on also rewrites the head.
    public var headSeq: Int64
    public var headHash: String
    public var firstBroken: BrokenLink?
}

/// Walks `audit_events` in sequence order and recomputes every hash from the stored canonical bytes.
///
/// It finds an edited record (its hash no longer matches its bytes, or the next record's link no longer matches its
/// hash), a removed one (a gap in the sequence), an inserted one (a link that does not match), and records cut off
/// the end (the chain stops before the head).
public enum AuditVerifier {
    public static func verify(_ pool: PostgresPool, batchSize: Int = 1000) async throws -> AuditVerification {
        let head = try await pool.query("SELECT seq, hash FROM audit_chain_head")
        guard let headRow = head.first else {
            throw PostgresError(.decodingFailed, message: "audit_chain_head has no row: the migration did not run")
        }
        let headSeq: Int64 = try headRow.decode("seq")
        let headHash: Data = try headRow.decode("hash")
        var result = AuditVerification(
            intact: true, checkedRecords: 0, headSeq: headSeq, headHash: headHash.hexString, firstBroken: nil)
        func broken(_ seq: Int64, _ eventID: String?, _ problem: String) -> AuditVerification {
            var result = result
            result.intact = false
            result.firstBroken = .init(seq: seq, eventId: eventID, problem: problem)
            return result
        }

        var expectedSeq: Int64 = 1
        var previousHash = AuditChain.genesis
        while true {
            let rows = try await pool.query(
                """
                SELECT seq, event_id, canonical, prev_hash, hash FROM audit_events
                WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT $3
                """, expectedSeq, headSeq, batchSize)
            for row in rows {
                let seq: Int64 = try row.decode("seq")
                let eventID: String = try row.decode("event_id")
                guard seq == expectedSeq else {
                    return broken(expectedSeq, nil, "record \(expectedSeq) is missing (the next one is \(seq))")
                }
                let storedPrevious: Data = try row.decode("prev_hash")
                guard storedPrevious == previousHash else {
                    return broken(seq, eventID, "its link does not match the previous record's hash")
                }
                let canonical = Data(try row.decode("canonical", as: String.self).utf8)
                let stored: Data = try row.decode("hash")
                guard AuditChain.hash(previous: previousHash, canonical: canonical) == stored else {
                    return broken(seq, eventID, "its content does not match its hash")
                }
                previousHash = stored
                expectedSeq = seq + 1
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
        return result
    }
}
