import ConnectAsPlatformState
import ConnectAsSchema
import ConnectAsService
import Foundation
import Metrics

/// Records every event of `connectas.events`, whatever its type, and updates the session view from it, both in the
/// transaction that marks the event processed: one record per event id, however often it is delivered. Keeps its
/// own copy of the platform's state topics, for deciding who may read the audit.
///
/// Only the events topic is recorded. The replies topic carries the one-time link, which must never be stored; every
/// reply worth auditing has its event counterpart there (SessionLinkIssued for the link, the denials, the failures).
public struct AuditHandler: MessageHandler {
    let topics: TopicNames

    public init(topics: TopicNames) {
        self.topics = topics
    }

    /// A state record policy-service cannot read is dead-lettered by policy-service, once.
    public func ownsDeadLetters(of topic: String) -> Bool { topic == topics.events }

    public func handle(_ message: InboundMessage, context: ProcessingContext) async throws {
        let topic = message.record.topic
        guard topic == topics.events else { return try await applyState(message, context: context) }
        // A tombstone deletes a key of a compacted topic; the events topic has none and they carry nothing to keep.
        guard let event = message.event else { return }
        let canonical = try EventCodec.encode(event)
        let committed = try await context.commit { transaction in
            guard let seq = try await AuditLedger.append(event, canonical: canonical, on: transaction.connection)
            else { return }
            try await AuditSessionView.apply(event, seq: seq, on: transaction.connection)
        }
        if committed {
            Counter(label: "connectas_audit_records_total", dimensions: [("type", event.type.name)]).increment()
        }
    }

    /// The latest record per key, as policy-service keeps it; a record filed under another key, or on the wrong
    /// topic, is left out (policy-service dead-letters it).
    private func applyState(_ message: InboundMessage, context: ProcessingContext) async throws {
        let topic = message.record.topic
        let kind: StateKind? =
            topic == topics.orgs ? .orgs : topic == topics.members ? .members : topic == topics.environments
            ? .environments : nil
        guard let kind, let key = message.record.keyString, !key.isEmpty else { return }
        guard let event = message.event else {
            try await context.commit { transaction in
                _ = try await PlatformStateStore(connection: transaction.connection).delete(kind, key: key)
            }
            return
        }
        try await context.commit { transaction in
            let store = PlatformStateStore(connection: transaction.connection)
            switch (kind, event.message) {
            case (.orgs, .orgState(let org)) where org.partitionKey == key:
                try await store.upsert(org, eventID: message.messageID)
            case (.members, .memberState(let member)) where member.partitionKey == key:
                try await store.upsert(member, eventID: message.messageID)
            case (.environments, .environmentState(let environment)) where environment.partitionKey == key:
                try await store.upsert(environment, eventID: message.messageID)
            default:
                break
            }
        }
    }
}
