import ConnectAsOdoo
import ConnectAsPostgres
import ConnectAsSchema
import ConnectAsService
import Foundation
import Logging

extension Injector {
    /// A link whose reply was not confirmed (the process died between commit and send, or Kafka refused) is
    /// replaced: a fresh token, its hash stored, the reply sent. The old token was never seen by anyone.
    func reissueUnsentLinks() async throws {
        let due = try await claim(.unsentLinks)
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
