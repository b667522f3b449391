import ConnectAsOdoo
import ConnectAsPostgres
import ConnectAsSchema
import ConnectAsService
import Foundation
import Logging

extension Injector {
    /// Unused links past their lifetime (and issued sessions past their maximum duration): the Odoo session
    /// deleted, then LinkExpired.
    func expireLinks() async throws {
        let due = try await claim(.unusedLinks)
        let outcomes = await deleteOdooSessions(due)
        await forEach(due) { record in
            await closeAfterDelete(record, outcomes[record.sessionId] ?? .interrupted, as: .expired) { transaction in
                try await transaction.publish(
                    LinkExpired(
                        requestId: record.requestId, orgId: record.orgId, environmentId: record.environmentId,
                        sessionId: record.sessionId, actor: record.actor, target: record.resolvedTarget),
                    id: EventID.of(record.sessionId, "link-expired"))
            }
        }
    }

    /// Redeemed sessions past their maximum duration: the Odoo session deleted, then SessionEnded.
    func endExpiredSessions() async throws {
        let due = try await claim(.expiredSessions)
        let outcomes = await deleteOdooSessions(due)
        await forEach(due) { record in
            await closeAfterDelete(record, outcomes[record.sessionId] ?? .interrupted, as: .ended) { transaction in
                try await transaction.publish(
                    SessionEnded(
                        requestId: record.requestId, orgId: record.orgId, environmentId: record.environmentId,
                        sessionId: record.sessionId, actor: record.actor, target: record.resolvedTarget,
                        endReason: .maxDuration),
                    id: EventID.of(record.sessionId, "ended"))
            }
        }
    }
}
