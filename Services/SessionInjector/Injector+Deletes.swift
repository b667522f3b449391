import ConnectAsOdoo
import ConnectAsPostgres
import ConnectAsSchema
import ConnectAsService
import Foundation
import Logging

extension Injector {
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

    /// Closes an active row after its Odoo session was deleted, and publishes what `publish` says, unless something
    /// else closed it meanwhile. A failed delete is retried with backoff, and after `sshAttempts` (or at once for a
    /// host key mismatch) the session is marked failed and its delete left to ``makePendingDeletes()``.
    func closeAfterDelete(
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
    func giveUp(_ record: SessionRecord, error: OdooShellError, retryDelete: Bool) async throws {
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
}
