import ConnectAsPostgres
import ConnectAsSchema
import Crypto
import Foundation

/// Handed to a ``MessageHandler`` for one message: the service's context, and the one way to make the message's
/// effects happen exactly once.
public struct ProcessingContext: Sendable {
    public let service: ServiceContext
    let message: InboundMessage

    /// Runs `body` in a transaction that also records the message as processed. When another delivery of the same
    /// message (a redelivery, or a replica that got it after a rebalance) committed first, `body`'s work is rolled
    /// back and this returns `false`. Remote effects made before calling this must be idempotent.
    @discardableResult
    public func commit(_ body: (ServiceTransaction) async throws -> Void) async throws -> Bool {
        try await service.transaction { transaction in
            let inserted = try await transaction.connection.query(
                """
                INSERT INTO processed_messages (message_id, message_type, topic, content_sha256)
                VALUES ($1, $2, $3, $4)
                ON CONFLICT (message_id) DO NOTHING
                """,
                message.messageID, message.messageType, message.record.topic, message.contentHash)
            guard inserted.affectedRows == 1 else { return false }
            try await body(transaction)
            return true
        }
    }

    enum Prior { case none, sameContent, otherContent }

    /// Whether the message was already processed: a cheap check before remote work, not a guarantee (``commit(_:)``
    /// is the guarantee). A message under a processed id with other bytes is not a redelivery but a reused id.
    func priorProcessing() async throws -> Prior {
        let rows = try await service.pool.query(
            "SELECT content_sha256 FROM processed_messages WHERE message_id = $1", message.messageID)
        guard let row = rows.first else { return .none }
        // Rows written before the hash was kept count as the same.
        guard let hash: Data = try row.decode("content_sha256") else { return .sameContent }
        return hash == message.contentHash ? .sameContent : .otherContent
    }
}
