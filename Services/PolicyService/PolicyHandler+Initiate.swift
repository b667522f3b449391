import ConnectAsPlatformState
import ConnectAsPolicy
import ConnectAsPostgres
import ConnectAsSchema
import ConnectAsService
import Foundation

extension PolicyHandler {
    func decide(_ command: InitiateSession, sentAt: Date, context: ProcessingContext) async throws {
        let kind = CommandKind.initiateSession
        try await decideOnce(kind, requestId: command.requestId, context: context) { transaction, now in
            let connection = transaction.connection
            let state = try await PlatformStateStore(connection: connection).snapshot(
                orgId: command.orgId, actor: command.actor.platformUserId, environmentId: command.environmentId)
            let initiations = InitiationLog(connection: connection)
            let recent = try await initiations.recent(
                clientIp: command.clientIp, environmentId: command.environmentId,
                since: now.addingTimeInterval(-Double(limits.lookBackSeconds)))
            let decision = FreshnessRule.apply(sentAt: sentAt, now: now) {
                InitiateRule.decide(
                    command, state: state, recent: recent, now: now, limits: limits,
                    sessionId: UUID().uuidString.lowercased())
            }
            switch decision {
            case .approved(let approval):
                try await initiations.record(approval, at: now)
                try await transaction.publish(
                    approval, id: DecisionEventID.decision(kind, requestId: command.requestId), time: now)
                try await DecisionLog(connection: connection).record(
                    decision, command: kind, requestId: command.requestId, sessionId: approval.sessionId)
            case .denied(let denial):
                let denied = InitiateDenied(
                    requestId: command.requestId, orgId: command.orgId, environmentId: command.environmentId,
                    actor: command.actor, target: command.target, reason: command.reason,
                    clientIp: command.clientIp, userAgent: command.userAgent, code: denial.code,
                    message: denial.message, retryAfterSeconds: denial.retryAfterSeconds)
                try await transaction.publish(
                    denied, id: DecisionEventID.decision(kind, requestId: command.requestId), time: now)
                try await publishDeniedReply(
                    denial, kind: kind, requestId: command.requestId, orgId: command.orgId,
                    environmentId: command.environmentId, sessionId: nil, transaction: transaction, now: now)
                try await DecisionLog(connection: connection).record(
                    decision, command: kind, requestId: command.requestId)
            }
            return decision.denial
        }
    }
}
