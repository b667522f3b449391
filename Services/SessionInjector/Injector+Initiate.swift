import ConnectAsOdoo
import ConnectAsPostgres
import ConnectAsSchema
import ConnectAsService
import Foundation
import Logging

extension Injector {
    /// InitiateApproved: create the Odoo session over SSH (idempotent by request id), then in one transaction store
    /// it and publish SessionLinkIssued; then send the link to the platform. Target rules only Odoo can check become
    /// InitiateDenied; SSH and Odoo failures, after bounded retries, SessionFailed.
    func initiate(_ approved: InitiateApproved, processing: ProcessingContext) async throws {
        var logger = logger
        logger[metadataKey: InjectorLoggingKeys.sessionId] = "\(approved.sessionId)"
        logger[metadataKey: InjectorLoggingKeys.requestId] = "\(approved.requestId)"
        logger[metadataKey: InjectorLoggingKeys.environmentId] = "\(approved.environmentId)"

        // A second approval of the same session (another event id) must not make a second link.
        if try await SessionStore.exists(sessionId: approved.sessionId, requestId: approved.requestId, context.pool) {
            logger.info("session already handled; approval ignored")
            try await processing.commit { _ in }
            return
        }
        guard LinkTemplates.isValidDomain(approved.environment.domain) else {
            return try await failInitiate(
                approved, stage: .validation, code: .internalError,
                message: "the environment's domain is not a host name", processing: processing)
        }

        let request = OdooSessionRequest(
            requestId: approved.requestId, target: approved.target,
            protectAdministrators: approved.protectAdministrators, actorEmail: approved.actor.email)
        let target = OdooTarget(snapshot: approved.environment)
        let outcome = try await attempts("create_session", logger: logger) {
            try await shell.createSession(on: target, request)
        }
        switch outcome {
        case .success(let created):
            try await issue(approved, created: created, processing: processing, logger: logger)
        case .failure(let error):
            if let denial = error.denialCode {
                logger.info("target refused by Odoo", metadata: [InjectorLoggingKeys.errorCode: "\(error.code)"])
                try await denyInitiate(approved, code: denial, message: error.message, processing: processing)
            } else {
                let (stage, code) = error.failure(during: .sessionCreate)
                logger.error(
                    "session could not be created",
                    metadata: [InjectorLoggingKeys.errorCode: "\(error.code)", InjectorLoggingKeys.error: "\(error)"])
                try await failInitiate(
                    approved, stage: stage, code: code, message: error.message, processing: processing)
            }
        }
    }

    private func issue(
        _ approved: InitiateApproved, created: OdooSessionCreated, processing: ProcessingContext, logger: Logger
    ) async throws {
        let token = LinkToken.generate()
        let sealed = try sealer.seal(created.sid, sessionId: approved.sessionId)
        let target = ResolvedTarget(
            odooUserId: created.user.id, login: created.user.login, displayName: created.user.displayName,
            email: created.user.email.flatMap { $0.allSatisfy(\.isWhitespace) ? nil : $0 },
            language: created.user.language.flatMap { FieldRules.isID($0) ? $0 : nil })
        var expiries: (link: Date, session: Date)?
        let committed = try await processing.commit { transaction in
            // Session expiry counts from issue, not redeem: the Odoo session exists from now, and the issued
            // event can then state when it ends. The link never outlives the session.
            let rows = try await transaction.connection.query(
                """
                INSERT INTO sessions (
                    session_id, request_id, org_id, environment_id, actor, target, environment, status,
                    odoo_sid_sealed, key_id, token_hash, link_expires_at, session_expires_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, 'issued', $8, $9, $10,
                    now() + LEAST($11::integer, $12::integer) * interval '1 second',
                    now() + $12::integer * interval '1 second')
                ON CONFLICT DO NOTHING
                RETURNING link_expires_at, session_expires_at
                """,
                approved.sessionId, approved.requestId, approved.orgId, approved.environmentId,
                try PostgresJSON(encoding: approved.actor), try PostgresJSON(encoding: target),
                try PostgresJSON(encoding: approved.environment), sealed, sealer.keyID, token.hash, linkSeconds,
                approved.maxSessionDurationSeconds)
            guard let row = rows.first else {
                expiries = nil
                return
            }
            let link: Date = try row.decode("link_expires_at")
            let session: Date = try row.decode("session_expires_at")
            expiries = (link, session)
            try await transaction.publish(
                SessionLinkIssued(
                    requestId: approved.requestId, orgId: approved.orgId, environmentId: approved.environmentId,
                    sessionId: approved.sessionId, actor: approved.actor, target: target, linkExpiresAt: link,
                    sessionExpiresAt: session),
                id: EventID.of(approved.sessionId, "link-issued"))
        }
        guard committed, let expiries else {
            logger.info("another delivery of the approval issued the link")
            return
        }
        logger.info(
            "session created and link issued",
            metadata: ["odoo.user.id": "\(created.user.id)", "odoo.session.reused": "\(created.reused)"])
        await sendLinkReply(
            for: (
                approved.sessionId, approved.requestId, approved.orgId, approved.environmentId,
                approved.environment.domain
            ),
            token: token, expiresAt: expiries.link)
    }

    private func denyInitiate(
        _ approved: InitiateApproved, code: DenialCode, message: String, processing: ProcessingContext
    ) async throws {
        try await processing.commit { transaction in
            guard try await SessionStore.insertClosed(approved, status: .denied, transaction.connection) else { return }
            try await transaction.publish(
                InitiateDenied(
                    requestId: approved.requestId, orgId: approved.orgId, environmentId: approved.environmentId,
                    actor: approved.actor, target: approved.target, reason: approved.reason,
                    clientIp: approved.clientIp, userAgent: approved.userAgent, sessionId: approved.sessionId,
                    code: code, message: message),
                id: EventID.of(approved.sessionId, "denied"))
            try await transaction.publish(
                RequestDeniedReply(
                    requestId: approved.requestId, orgId: approved.orgId, environmentId: approved.environmentId,
                    command: .initiateSession, sessionId: approved.sessionId, code: code, message: message),
                id: EventID.of(approved.sessionId, "denied-reply"))
        }
    }

    private func failInitiate(
        _ approved: InitiateApproved, stage: FailureStage, code: FailureCode, message: String,
        processing: ProcessingContext
    ) async throws {
        try await processing.commit { transaction in
            guard try await SessionStore.insertClosed(approved, status: .failed, transaction.connection) else { return }
            try await transaction.publish(
                SessionFailed(
                    requestId: approved.requestId, orgId: approved.orgId, environmentId: approved.environmentId,
                    sessionId: approved.sessionId, actor: approved.actor, stage: stage, code: code, message: message),
                id: EventID.of(approved.sessionId, "failed"))
            try await transaction.publish(
                RequestFailedReply(
                    requestId: approved.requestId, command: .initiateSession, orgId: approved.orgId,
                    environmentId: approved.environmentId, sessionId: approved.sessionId, stage: stage, code: code,
                    message: message),
                id: EventID.of(approved.sessionId, "failed-reply"))
        }
    }
}
