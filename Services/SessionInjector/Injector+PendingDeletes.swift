import ConnectAsOdoo
import ConnectAsPostgres
import ConnectAsSchema
import ConnectAsService
import Foundation
import Logging

extension Injector {
    /// Deletes that are due on closed sessions: the second pass a few seconds after each deletion (a request in
    /// flight may have re-saved the session), and deletes that failed, retried with backoff for about a day.
    func makePendingDeletes() async throws {
        let due = try await claim(.pendingDeletes)
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
}
