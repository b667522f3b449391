import ConnectAsPolicy
import ConnectAsSchema
import ConnectAsService

extension PolicyHandler {
    func decide(_ command: RevokeSession, context: ProcessingContext) async throws {
        let kind = CommandKind.revokeSession
        try await decideOnce(kind, requestId: command.requestId, context: context) { transaction, now in
            let connection = transaction.connection
            let state = try await PlatformStateStore(connection: connection).snapshot(
                orgId: command.orgId, actor: command.actor.platformUserId, environmentId: command.environmentId)
            let session = try await InitiationLog(connection: connection).session(command.sessionId)
            let decision = RevokeRule.decide(command, state: state, session: session)
            let id = DecisionEventID.decision(kind, requestId: command.requestId)
            switch decision {
            case .approved(let approval):
                try await transaction.publish(approval, id: id, time: now)
            case .denied(let denial):
                let denied = RevokeDenied(
                    requestId: command.requestId, orgId: command.orgId, environmentId: command.environmentId,
                    sessionId: command.sessionId, actor: command.actor, code: denial.code, message: denial.message)
                try await transaction.publish(denied, id: id, time: now)
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

    func decide(_ command: EndSession, context: ProcessingContext) async throws {
        let kind = CommandKind.endSession
        try await decideOnce(kind, requestId: command.requestId, context: context) { transaction, now in
            let connection = transaction.connection
            let state = try await PlatformStateStore(connection: connection).snapshot(
                orgId: command.orgId, actor: command.actor.platformUserId, environmentId: command.environmentId)
            let session = try await InitiationLog(connection: connection).session(command.sessionId)
            let decision = EndRule.decide(command, state: state, session: session)
            let id = DecisionEventID.decision(kind, requestId: command.requestId)
            switch decision {
            case .approved(let approval):
                try await transaction.publish(approval, id: id, time: now)
            case .denied(let denial):
                let denied = EndDenied(
                    requestId: command.requestId, orgId: command.orgId, environmentId: command.environmentId,
                    sessionId: command.sessionId, actor: command.actor, code: denial.code, message: denial.message)
                try await transaction.publish(denied, id: id, time: now)
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

    func decide(_ command: ListUsers, context: ProcessingContext) async throws {
        let kind = CommandKind.listUsers
        try await decideOnce(kind, requestId: command.requestId, context: context) { transaction, now in
            let connection = transaction.connection
            let state = try await PlatformStateStore(connection: connection).snapshot(
                orgId: command.orgId, actor: command.actor.platformUserId, environmentId: command.environmentId)
            let decision = ListUsersRule.decide(command, state: state)
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
