import ConnectAsPlatformState
import ConnectAsPolicy
import ConnectAsSchema
import ConnectAsService
import Foundation

extension PolicyHandler {
    func decide(_ command: RevokeSession, sentAt: Date, context: ProcessingContext) async throws {
        try await decideSessionCommand(command, kind: .revokeSession, sentAt: sentAt, context: context, rule: RevokeRule.decide) {
            RevokeDenied(
                requestId: $0.requestId, orgId: $0.orgId, environmentId: $0.environmentId, sessionId: $0.sessionId,
                actor: $0.actor, code: $1.code, message: $1.message)
        }
    }

    func decide(_ command: EndSession, sentAt: Date, context: ProcessingContext) async throws {
        try await decideSessionCommand(command, kind: .endSession, sentAt: sentAt, context: context, rule: EndRule.decide) {
            EndDenied(
                requestId: $0.requestId, orgId: $0.orgId, environmentId: $0.environmentId, sessionId: $0.sessionId,
                actor: $0.actor, code: $1.code, message: $1.message)
        }
    }

    /// Revoke and End take the same path (state, the session policy approved, the rule, the decision or the
    /// denial with its reply); only their rule and their denial event differ.
    private func decideSessionCommand<Command: SessionCommand, Approval: MessagePayload, Denied: MessagePayload>(
        _ command: Command, kind: CommandKind, sentAt: Date, context: ProcessingContext,
        rule: (Command, PolicySnapshot, InitiatedSession?) -> PolicyDecision<Approval>,
        denied: (Command, Denial) -> Denied
    ) async throws {
        try await decideOnce(kind, requestId: command.requestId, context: context) { transaction, now in
            let connection = transaction.connection
            let state = try await PlatformStateStore(connection: connection).snapshot(
                orgId: command.orgId, actor: command.actor.platformUserId, environmentId: command.environmentId)
            let session = try await InitiationLog(connection: connection).session(command.sessionId)
            let decision = FreshnessRule.apply(sentAt: sentAt, now: now) { rule(command, state, session) }
            let id = DecisionEventID.decision(kind, requestId: command.requestId)
            switch decision {
            case .approved(let approval):
                try await transaction.publish(approval, id: id, time: now)
            case .denied(let denial):
                try await transaction.publish(denied(command, denial), id: id, time: now)
                try await publishDeniedReply(
                    denial, kind: kind, requestId: command.requestId, orgId: command.orgId,
                    environmentId: command.environmentId, sessionId: command.sessionId, transaction: transaction,
                    now: now)
            }
            try await DecisionLog(connection: connection).record(
                decision, command: kind, requestId: command.requestId, sessionId: command.sessionId)
            return decision.denial
        }
    }

    func decide(_ command: ListUsers, sentAt: Date, context: ProcessingContext) async throws {
        let kind = CommandKind.listUsers
        try await decideOnce(kind, requestId: command.requestId, context: context) { transaction, now in
            let connection = transaction.connection
            let state = try await PlatformStateStore(connection: connection).snapshot(
                orgId: command.orgId, actor: command.actor.platformUserId, environmentId: command.environmentId)
            let decision = FreshnessRule.apply(sentAt: sentAt, now: now) { ListUsersRule.decide(command, state: state) }
            let id = DecisionEventID.decision(kind, requestId: command.requestId)
            switch decision {
            case .approved(let approval):
                try await transaction.publish(approval, id: id, time: now)
            case .denied(let denial):
                let denied = ListUsersDenied(
                    requestId: command.requestId, orgId: command.orgId, environmentId: command.environmentId,
                    actor: command.actor, code: denial.code, message: denial.message)
                try await transaction.publish(denied, id: id, time: now)
                try await publishDeniedReply(
                    denial, kind: kind, requestId: command.requestId, orgId: command.orgId,
                    environmentId: command.environmentId, sessionId: nil, transaction: transaction, now: now)
            }
            try await DecisionLog(connection: connection).record(decision, command: kind, requestId: command.requestId)
            return decision.denial
        }
    }
}

/// The commands that act on a session policy-service approved earlier.
protocol SessionCommand {
    var requestId: String { get }
    var orgId: String { get }
    var environmentId: String { get }
    var sessionId: String { get }
    var actor: PlatformActor { get }
}

extension RevokeSession: SessionCommand {}
extension EndSession: SessionCommand {}
