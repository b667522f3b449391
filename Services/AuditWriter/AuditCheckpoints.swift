import ConnectAsPostgres
import ConnectAsSchema
import ConnectAsService
import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// Signs the chain's head and publishes it to `connectas.audit.checkpoints` (through the outbox, in the transaction
/// that records it in `audit_checkpoints`): every `interval`, and on demand (`POST /v1/checkpoints`). Nothing is
/// published while the head has not moved since the last checkpoint; replicas that race sign the same head once
/// (the table's key is the sequence number).
public struct AuditCheckpoints: Sendable {
    let context: ServiceContext
    let key: AuditCheckpointKey

    public init(context: ServiceContext, key: AuditCheckpointKey) {
        self.context = context
        self.key = key
    }

    /// The checkpoint of the current head: a new one, or the existing one when the head has not moved; nil while
    /// the chain is empty.
    @discardableResult
    public func checkpoint() async throws -> AuditCheckpoint? {
        try await context.transaction { transaction in
            let connection = transaction.connection
            let head = try await connection.query("SELECT seq, encode(hash, 'hex') AS hash FROM audit_chain_head")
            guard let row = head.first else { return nil }
            let seq: Int64 = try row.decode("seq")
            guard seq > 0 else { return nil }
            let hash: String = try row.decode("hash")
            let existing = try await connection.query(
                """
                SELECT seq, encode(head_hash, 'hex') AS hash, signed_at, key_id, signature FROM audit_checkpoints
                WHERE seq = $1
                """, seq)
            if let old = existing.first {
                return AuditCheckpoint(
                    seq: Int(seq), headHash: try old.decode("hash"), signedAt: try old.decode("signed_at"),
                    keyId: try old.decode("key_id"), signature: try old.decode("signature"))
            }
            let checkpoint = try key.sign(seq: Int(seq), headHash: hash, signedAt: Date())
            try await connection.query(
                """
                INSERT INTO audit_checkpoints (seq, head_hash, signed_at, key_id, signature)
                VALUES ($1, decode($2, 'hex'), $3, $4, $5)
                """, seq, hash, checkpoint.signedAt, checkpoint.keyId, checkpoint.signature)
            try await transaction.publish(checkpoint, id: "audit-checkpoint-\(seq)")
            return checkpoint
        }
    }

    /// The periodic part, as a service of the group.
    public func service(every interval: Duration) -> some Service { Periodic(checkpoints: self, interval: interval) }

    struct Periodic: Service {
        let checkpoints: AuditCheckpoints
        let interval: Duration

        func run() async throws {
            await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    do { try await Task.sleep(for: interval) } catch { return }
                    do {
                        if let checkpoint = try await checkpoints.checkpoint() {
                            Gauge(label: "connectas_audit_checkpoint_seq").record(checkpoint.seq)
                        }
                    } catch {
                        checkpoints.context.logger.warning(
                            "could not sign a checkpoint; trying again at the next interval",
                            metadata: ["error": "\(error)"])
                    }
                }
            }
        }
    }
}
