import ConnectAsPlatformState
import ConnectAsPostgres
import ConnectAsSchema
import ConnectAsService

extension PolicyHandler {
    /// Stores a state record as the latest of its key. The Kafka key must be the payload's own key: a tombstone
    /// deletes by Kafka key, so a record filed under another key could never be deleted.
    func apply(
        _ message: InboundMessage, kind: StateKind, key: String, context: ProcessingContext,
        _ upsert: (PlatformStateStore, String) async throws -> Void
    ) async throws {
        let topic = message.record.topic
        guard stateKind(ofTopic: topic) == kind else {
            throw UnprocessableMessage(
                code: "policy.wrong_topic", reason: "a \(message.messageType) record arrived on \(topic)")
        }
        guard message.record.keyString == key else {
            throw UnprocessableMessage(
                code: "policy.state_key_mismatch",
                reason: "the record's key \(message.record.keyString.map { "\"\($0)\"" } ?? "(none)") is not "
                    + "its payload's key \"\(key)\"")
        }
        try await context.commit { transaction in
            try await upsert(PlatformStateStore(connection: transaction.connection), message.messageID)
            // The platform waits for this before a command that needs the record (see ``StateApplied``).
            try await transaction.publish(
                StateApplied(stateEventId: message.messageID, stateType: message.messageType, stateKey: key),
                id: "state-applied:\(message.messageID)")
        }
        logger.debug("platform state stored", metadata: ["state.kind": "\(kind.rawValue)", "state.key": "\(key)"])
    }

    /// A tombstone on a state topic deletes the record of its key; anywhere else it means nothing readable.
    func applyTombstone(_ message: InboundMessage, context: ProcessingContext) async throws {
        let topic = message.record.topic
        guard let kind = stateKind(ofTopic: topic) else {
            throw UnprocessableMessage(code: "policy.empty_message", reason: "a record without a value on \(topic)")
        }
        guard let key = message.record.keyString, !key.isEmpty else {
            throw UnprocessableMessage(code: "policy.tombstone_without_key", reason: "a tombstone without a key")
        }
        var deleted = false
        try await context.commit { transaction in
            deleted = try await PlatformStateStore(connection: transaction.connection).delete(kind, key: key)
        }
        logger.debug(
            "platform state deleted",
            metadata: ["state.kind": "\(kind.rawValue)", "state.key": "\(key)", "state.existed": "\(deleted)"])
    }
}
