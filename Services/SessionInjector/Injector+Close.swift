import ConnectAsOdoo
import ConnectAsSchema
import ConnectAsService
import Foundation
import Logging

/// EndApproved and RevokeApproved do the same work and differ in what they record.
enum Closing: Sendable {
    case end(EndApproved)
    case revoke(RevokeApproved)

    var requestId: String {
        switch self {
        case .end(let approved): approved.requestId
        case .revoke(let approved): approved.requestId
        }
    }
    var orgId: String {
        switch self {
        case .end(let approved): approved.orgId
        case .revoke(let approved): approved.orgId
        }
    }
    var environmentId: String {
        switch self {
        case .end(let approved): approved.environmentId
        case .revoke(let approved): approved.environmentId
        }
    }
    var sessionId: String {
        switch self {
        case .end(let approved): approved.sessionId
        case .revoke(let approved): approved.sessionId
        }
    }
    /// The environment as policy-service knows it now: a server whose address or host key changed since the
    /// session was issued is reached at its current one.
    var environment: EnvironmentSnapshot {
        switch self {
        case .end(let approved): approved.environment
        case .revoke(let approved): approved.environment
        }
    }
    var actor: PlatformActor {
        switch self {
        case .end(let approved): approved.actor
        case .revoke(let approved): approved.actor
        }
    }
    var command: CommandKind {
        switch self {
        case .end: .endSession
        case .revoke: .revokeSession
        }
    }
    /// The status the session ends in; asking again once it is there is acknowledged again (idempotent).
    var finalStatus: SessionRecord.Status {
        switch self {
        case .end: .ended
        case .revoke: .revoked
        }
    }
    var eventKind: String {
        switch self {
        case .end: "ended"
        case .revoke: "revoked"
        }
    }
}

extension Injector {
    /// Burns the link, deletes the Odoo session over SSH, then records SessionEnded / SessionRevoked with the
    /// acknowledgement. An unknown session or one that is no longer active is refused with a reply, not an error.
    func close(_ closing: Closing, processing: ProcessingContext) async throws {
        var logger = logger
        logger[metadataKey: InjectorLoggingKeys.sessionId] = "\(closing.sessionId)"
        logger[metadataKey: InjectorLoggingKeys.requestId] = "\(closing.requestId)"

        guard
            var record = try await SessionStore.find(
                sessionId: closing.sessionId, orgId: closing.orgId, environmentId: closing.environmentId,
                context.pool)
        else {
            return try await refuse(closing, code: .sessionNotFound, message: "no such session", processing)
        }
        if record.status == closing.finalStatus {
            try await processing.commit { transaction in
                try await transaction.publish(any: acknowledgement(closing), id: EventID.of(closing.requestId, "ack"))
            }
            return
        }
        guard record.status.isActive else {
            return try await refuse(
                closing, code: .sessionNotActive, message: "the session is \(record.status.rawValue)", processing)
        }

        // The link dies first, so nobody can redeem it while the Odoo session is being deleted.
        try await SessionStore.burnLink(sessionId: record.sessionId, context.pool)
        // Later deletes (a retry, the second delete) go to the current environment too.
        if record.environment != closing.environment {
            try await SessionStore.updateEnvironment(
                sessionId: record.sessionId, to: closing.environment, context.pool)
            record.environment = closing.environment
            logger.info("the environment changed since the session was issued; its current record is used")
        }
        let outcome: Result<Bool, OdooShellError>
        if let sid = openSid(record) {
            outcome = try await attempts("delete_session", logger: logger) {
                try await shell.deleteSession(on: record.odooTarget, sid: sid)
            }
        } else {
            outcome = .failure(OdooShellError(.internalError, "the stored session id cannot be opened"))
        }

        switch outcome {
        case .success:
            try await processing.commit { transaction in
                if try await SessionStore.close(
                    sessionId: record.sessionId, as: closing.finalStatus, secondDeleteSeconds: secondDeleteSeconds,
                    transaction.connection)
                {
                    try await transaction.publish(
                        any: event(closing, record: record), id: EventID.of(record.sessionId, closing.eventKind))
                }
                try await transaction.publish(any: acknowledgement(closing), id: EventID.of(closing.requestId, "ack"))
            }
            logger.info("session \(closing.eventKind)")
        case .failure(let error):
            let (stage, code) = error.failure(during: .sessionDelete)
            logger.error(
                "the Odoo session could not be deleted; the session is marked failed and the delete retried",
                metadata: [InjectorLoggingKeys.errorCode: "\(error.code)", InjectorLoggingKeys.error: "\(error)"])
            try await processing.commit { transaction in
                if try await SessionStore.fail(
                    sessionId: record.sessionId, error: error.message, retryInSeconds: 30, transaction.connection)
                {
                    try await transaction.publish(
                        SessionFailed(
                            requestId: closing.requestId, orgId: record.orgId, environmentId: record.environmentId,
                            sessionId: record.sessionId, actor: record.actor, stage: stage, code: code,
                            message: error.message),
                        id: EventID.of(record.sessionId, "failed"))
                }
                try await transaction.publish(
                    RequestFailedReply(
                        requestId: closing.requestId, command: closing.command, orgId: closing.orgId,
                        environmentId: closing.environmentId, sessionId: closing.sessionId, stage: stage, code: code,
                        message: error.message),
                    id: EventID.of(closing.requestId, "failed-reply"))
            }
        }
    }

    private func event(_ closing: Closing, record: SessionRecord) -> any MessagePayload {
        switch closing {
        case .end(let approved):
            SessionEnded(
                requestId: approved.requestId, orgId: record.orgId, environmentId: record.environmentId,
                sessionId: record.sessionId, actor: record.actor, target: record.resolvedTarget,
                endReason: .endCommand, endedBy: approved.actor)
        case .revoke(let approved):
            SessionRevoked(
                requestId: approved.requestId, orgId: record.orgId, environmentId: record.environmentId,
                sessionId: record.sessionId, actor: record.actor, target: record.resolvedTarget,
                revokedBy: approved.actor, reason: approved.reason)
        }
    }

    private func acknowledgement(_ closing: Closing) -> any MessagePayload {
        switch closing {
        case .end(let approved):
            EndAcknowledged(
                requestId: approved.requestId, orgId: approved.orgId, environmentId: approved.environmentId,
                sessionId: approved.sessionId)
        case .revoke(let approved):
            RevokeAcknowledged(
                requestId: approved.requestId, orgId: approved.orgId, environmentId: approved.environmentId,
                sessionId: approved.sessionId)
        }
    }

    private func refuse(
        _ closing: Closing, code: DenialCode, message: String, _ processing: ProcessingContext
    ) async throws {
        try await processing.commit { transaction in
            let denial: any MessagePayload =
                switch closing {
                case .end(let approved):
                    EndDenied(
                        requestId: approved.requestId, orgId: approved.orgId, environmentId: approved.environmentId,
                        sessionId: approved.sessionId, actor: approved.actor, code: code, message: message)
                case .revoke(let approved):
                    RevokeDenied(
                        requestId: approved.requestId, orgId: approved.orgId, environmentId: approved.environmentId,
                        sessionId: approved.sessionId, actor: approved.actor, code: code, message: message)
                }
            try await transaction.publish(any: denial, id: EventID.of(closing.requestId, "denied"))
            try await transaction.publish(
                RequestDeniedReply(
                    requestId: closing.requestId, orgId: closing.orgId, environmentId: closing.environmentId,
                    command: closing.command, sessionId: closing.sessionId, code: code, message: message),
                id: EventID.of(closing.requestId, "denied-reply"))
        }
    }
}

extension ServiceTransaction {
    /// Publishes a payload whose type is known only at run time.
    func publish(any payload: any MessagePayload, id: String) async throws {
        func typed<Payload: MessagePayload>(_ payload: Payload) async throws {
            try await publish(payload, id: id)
        }
        try await typed(payload)
    }
}
