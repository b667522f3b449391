import ConnectAsOdoo
import ConnectAsPostgres
import ConnectAsSchema
import ConnectAsService
import Foundation
import Logging

extension Injector {
    /// One pass of the timer: expire unused links, end sessions past their maximum duration, make pending deletes,
    /// re-issue links whose reply never went out. Each kind claims its rows with a lease (`FOR UPDATE SKIP LOCKED`)
    /// so replicas share the work; every SSH delete is idempotent, so a lease that runs out at worst repeats one.
    func sweep() async {
        await run("expire links") { try await expireLinks() }
        await run("end sessions at their maximum duration") { try await endExpiredSessions() }
        await run("pending deletes") { try await makePendingDeletes() }
        await run("re-issue unsent links") { try await reissueUnsentLinks() }
    }

    private func run(_ what: String, _ body: () async throws -> Void) async {
        do {
            try await body()
        } catch is CancellationError {
        } catch {
            logger.warning(
                "timer: \(what) failed; next pass retries", metadata: [InjectorLoggingKeys.error: "\(error)"])
        }
    }

    /// How long a claim holds: longer than one SSH operation can take.
    var leaseSeconds: Int { Int(configuration.odooTimeout.components.seconds) * 2 + 10 }

    /// Claims up to `limit` rows matching `condition` (a constant of this file, never input) for this replica.
    func claim(_ condition: String, order: String, limit: Int = 16) async throws -> [SessionRecord] {
        try await context.pool.transaction(isolation: .readCommitted) { connection in
            try await connection.query(
                """
                UPDATE sessions SET lease_until = now() + $1::integer * interval '1 second'
                WHERE session_id IN (
                    SELECT session_id FROM sessions
                    WHERE (\(condition)) AND (lease_until IS NULL OR lease_until < now())
                    ORDER BY \(order) LIMIT \(limit)
                    FOR UPDATE SKIP LOCKED)
                RETURNING \(SessionRecord.columns)
                """,
                leaseSeconds
            ).map(SessionRecord.init(row:))
        }
    }

    /// What became of one row's Odoo session in ``deleteOdooSessions(_:)``.
    enum DeleteOutcome: Sendable {
        case deleted
        /// The stored id does not open under this key store (logged as critical): nothing can delete it.
        case unopenable
        case failed(OdooShellError)
        /// Shutting down, or an error outside the shell: the row's lease runs out and the next pass retries it.
        case interrupted
    }

    /// Deletes the Odoo sessions of `records` with one run of the shell per server and database (up to
    /// ``OdooShell/maxSessionsPerDelete`` sessions each), the servers side by side: a burst of expiries costs
    /// Odoo's start-up once per server, and leaves the SSH channels to the sessions being created.
    func deleteOdooSessions(_ records: [SessionRecord]) async -> [String: DeleteOutcome] {
        var outcomes: [String: DeleteOutcome] = [:]
        var byTarget: [OdooTarget: [(sessionId: String, sid: OdooSessionID)]] = [:]
        for record in records {
            guard let sid = openSid(record) else {
                outcomes[record.sessionId] = .unopenable
                continue
            }
            byTarget[record.odooTarget, default: []].append((record.sessionId, sid))
        }
        let shell = self.shell
        return await withTaskGroup(of: [String: DeleteOutcome].self) { group in
            for (target, sessions) in byTarget {
                for start in stride(from: 0, to: sessions.count, by: OdooShell.maxSessionsPerDelete) {
                    let chunk = Array(sessions[start..<min(start + OdooShell.maxSessionsPerDelete, sessions.count)])
                    group.addTask {
                        let outcome: DeleteOutcome
                        do {
                            _ = try await shell.deleteSessions(on: target, sids: chunk.map(\.sid))
                            outcome = .deleted
                        } catch let error as OdooShellError {
                            outcome = .failed(error)
                        } catch {
                            outcome = .interrupted
                        }
                        return Dictionary(uniqueKeysWithValues: chunk.map { ($0.sessionId, outcome) })
                    }
                }
            }
            for await chunkOutcomes in group { outcomes.merge(chunkOutcomes) { $1 } }
            return outcomes
        }
    }

    private func forEach(_ records: [SessionRecord], _ body: @escaping @Sendable (SessionRecord) async -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            for record in records { group.addTask { await body(record) } }
        }
    }

    /// Backoff for the timer's retries of one row: 2, 4, 8 … seconds, at most five minutes.
    static func backoffSeconds(afterAttempts attempts: Int) -> Int { min(300, 1 << min(max(attempts, 1), 9)) }

    // MARK: - Unused links

    func expireLinks() async throws {
        let due = try await claim(
            // A burnt link is being ended or revoked by a handler right now; only its maximum duration concerns
            // the timer.
            """
            status = 'issued' \
            AND ((link_expires_at <= now() AND link_burnt_at IS NULL) OR session_expires_at <= now())
            """,
            order: "link_expires_at", limit: OdooShell.maxSessionsPerDelete)
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

    // MARK: - Maximum duration

    func endExpiredSessions() async throws {
        let due = try await claim(
            "status = 'redeemed' AND session_expires_at <= now()", order: "session_expires_at",
            limit: OdooShell.maxSessionsPerDelete)
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

    /// Closes an active row after its Odoo session was deleted, and publishes what `publish` says, unless something
    /// else closed it meanwhile. A failed delete is retried with backoff, and after `sshAttempts` (or at once for a
    /// host key mismatch) the session is marked failed and its delete left to ``makePendingDeletes()``.
    private func closeAfterDelete(
        _ record: SessionRecord, _ outcome: DeleteOutcome, as status: SessionRecord.Status,
        publish: @escaping @Sendable (ServiceTransaction) async throws -> Void
    ) async {
        var logger = logger
        logger[metadataKey: InjectorLoggingKeys.sessionId] = "\(record.sessionId)"
        do {
            switch outcome {
            case .deleted:
                break
            case .interrupted:
                return
            case .unopenable:
                return try await giveUp(
                    record, error: OdooShellError(.internalError, "the stored session id cannot be opened"),
                    retryDelete: false)
            case .failed(let error):
                let attempts = record.deleteAttempts + 1
                guard error.isRetriable, attempts < configuration.sshAttempts else {
                    return try await giveUp(record, error: error, retryDelete: true)
                }
                logger.warning(
                    "timer: delete failed, will retry",
                    metadata: [
                        InjectorLoggingKeys.errorCode: "\(error.code)", InjectorLoggingKeys.attempt: "\(attempts)",
                    ])
                try await context.pool.query(
                    """
                    UPDATE sessions SET delete_attempts = $2, last_error = $3,
                        lease_until = now() + $4::integer * interval '1 second'
                    WHERE session_id = $1
                    """,
                    record.sessionId, attempts, error.message, Self.backoffSeconds(afterAttempts: attempts))
                return
            }
            try await context.transaction { transaction in
                if try await SessionStore.close(
                    sessionId: record.sessionId, as: status, secondDeleteSeconds: secondDeleteSeconds,
                    transaction.connection)
                {
                    try await publish(transaction)
                }
            }
            logger.info("timer: session \(status.rawValue)")
        } catch {
            logger.warning("timer: could not record the deletion", metadata: [InjectorLoggingKeys.error: "\(error)"])
        }
    }

    /// The session is failed: audited as such, and its Odoo session still deleted in the background when possible.
    private func giveUp(_ record: SessionRecord, error: OdooShellError, retryDelete: Bool) async throws {
        let (stage, code) = error.failure(during: .sessionDelete)
        logger.error(
            "timer: the Odoo session could not be deleted; session marked failed",
            metadata: [
                InjectorLoggingKeys.sessionId: "\(record.sessionId)", InjectorLoggingKeys.errorCode: "\(error.code)",
                InjectorLoggingKeys.error: "\(error.message)",
            ])
        try await context.transaction { transaction in
            guard
                try await SessionStore.fail(
                    sessionId: record.sessionId, error: error.message, retryInSeconds: 60, transaction.connection)
            else { return }
            if !retryDelete {
                try await transaction.connection.query(
                    "UPDATE sessions SET delete_due_at = NULL WHERE session_id = $1", record.sessionId)
            }
            try await transaction.publish(
                SessionFailed(
                    requestId: record.requestId, orgId: record.orgId, environmentId: record.environmentId,
                    sessionId: record.sessionId, actor: record.actor, stage: stage, code: code, message: error.message),
                id: EventID.of(record.sessionId, "failed"))
        }
    }

    // MARK: - Second pass and deletes still owed

    /// Deletes that are due on closed sessions: the second pass a few seconds after each deletion (a request in
    /// flight may have re-saved the session), and deletes that failed, retried with backoff for about a day.
    func makePendingDeletes() async throws {
        let due = try await claim(
            "delete_due_at <= now() AND status NOT IN ('issued', 'redeemed')", order: "delete_due_at",
            limit: OdooShell.maxSessionsPerDelete)
        let outcomes = await deleteOdooSessions(due)
        await forEach(due) { record in
            do {
                switch outcomes[record.sessionId] ?? .interrupted {
                case .interrupted:
                    return
                case .unopenable:
                    try await context.pool.query(
                        "UPDATE sessions SET delete_due_at = NULL, lease_until = NULL WHERE session_id = $1",
                        record.sessionId)
                case .deleted:
                    try await context.pool.query(
                        """
                        UPDATE sessions SET delete_due_at = NULL, delete_attempts = 0, lease_until = NULL,
                            odoo_deleted_at = now()
                        WHERE session_id = $1
                        """, record.sessionId)
                case .failed(let error):
                    let attempts = record.deleteAttempts + 1
                    let givingUp = attempts >= 300
                    logger.log(
                        level: givingUp ? .error : .warning,
                        "timer: pending delete failed\(givingUp ? "; giving up" : "")",
                        metadata: [
                            InjectorLoggingKeys.sessionId: "\(record.sessionId)",
                            InjectorLoggingKeys.errorCode: "\(error.code)", InjectorLoggingKeys.attempt: "\(attempts)",
                        ])
                    try await context.pool.query(
                        """
                        UPDATE sessions SET delete_attempts = $2, last_error = $3, lease_until = NULL,
                            delete_due_at = CASE WHEN $4 THEN NULL
                                ELSE now() + $5::integer * interval '1 second' END
                        WHERE session_id = $1
                        """,
                        record.sessionId, attempts, error.message, givingUp,
                        Self.backoffSeconds(afterAttempts: attempts))
                }
            } catch {
                logger.warning("timer: pending delete not recorded", metadata: [InjectorLoggingKeys.error: "\(error)"])
            }
        }
    }

    // MARK: - Links whose reply never went out

    /// A link whose reply was not confirmed (the process died between commit and send, or Kafka refused) is
    /// replaced: a fresh token, its hash stored, the reply sent. The old token was never seen by anyone.
    func reissueUnsentLinks() async throws {
        let due = try await claim(
            """
            status = 'issued' AND reply_sent_at IS NULL AND link_burnt_at IS NULL \
            AND issued_at < now() - interval '30 seconds' AND link_expires_at > now() + interval '10 seconds'
            """,
            order: "issued_at")
        await forEach(due) { record in
            let token = LinkToken.generate()
            do {
                let rows = try await context.pool.query(
                    """
                    UPDATE sessions SET token_hash = $2, lease_until = NULL,
                        link_expires_at = LEAST(now() + $3::integer * interval '1 second', session_expires_at)
                    WHERE session_id = $1 AND status = 'issued' AND reply_sent_at IS NULL
                    RETURNING link_expires_at
                    """,
                    record.sessionId, token.hash, linkSeconds)
                guard let expiresAt = try rows.first?.decode("link_expires_at", as: Date.self) else { return }
                logger.notice(
                    "re-issuing a link whose reply was not sent",
                    metadata: [
                        InjectorLoggingKeys.sessionId: "\(record.sessionId)"
                    ])
                await sendLinkReply(
                    for: (
                        record.sessionId, record.requestId, record.orgId, record.environmentId,
                        record.environment.domain
                    ),
                    token: token, expiresAt: expiresAt)
            } catch {
                logger.warning("timer: link re-issue failed", metadata: [InjectorLoggingKeys.error: "\(error)"])
            }
        }
    }
}
