import ConnectAsSchema
import ConnectAsService
import Foundation
import Metrics

/// Records every event of `connectas.events`, whatever its type, and updates the session view from it, both in the
/// transaction that marks the event processed: one record per event id, however often it is delivered.
///
/// Only the events topic is read. The replies topic carries the one-time link, which must never be stored; every
/// reply worth auditing has its event counterpart there (SessionLinkIssued for the link, the denials, the failures).
public struct AuditHandler: MessageHandler {
    public init() {}

    public func handle(_ message: InboundMessage, context: ProcessingContext) async throws {
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
}
