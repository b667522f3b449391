import ConnectAsPolicy
import ConnectAsPostgres
import ConnectAsSchema
import Foundation

/// Approved initiations: what the rate windows count and what ends and revokes look sessions up in.
///
/// Only approvals are recorded, so only approvals count against the limits: a refused attempt starts no session,
/// and counting refusals would let one engineer's mistyped requests lock everyone out of an environment for a minute
/// (or out of their shared office address for an hour). Counting happens in the deciding serializable transaction,
/// so two replicas deciding at once for one IP or one environment conflict and one of them decides again: the limits
/// are exact across replicas.
struct InitiationLog {
    let connection: PostgresConnection

    func recent(clientIp: String, environmentId: String, since start: Date) async throws -> RecentInitiations {
        let byClientIp = try await connection.query(
            "SELECT approved_at FROM initiations WHERE client_ip = $1 AND approved_at > $2", clientIp, start)
        let byEnvironment = try await connection.query(
            "SELECT approved_at FROM initiations WHERE environment_id = $1 AND approved_at > $2", environmentId, start)
        return RecentInitiations(
            fromClientIp: try byClientIp.map { try $0.decode("approved_at", as: Date.self) },
            onEnvironment: try byEnvironment.map { try $0.decode("approved_at", as: Date.self) })
    }

    func record(_ approval: InitiateApproved, at time: Date) async throws {
        try await connection.query(
            """
            INSERT INTO initiations
                (request_id, session_id, org_id, environment_id, actor_platform_user_id, client_ip, approved_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """, approval.requestId, approval.sessionId, approval.orgId, approval.environmentId,
            approval.actor.platformUserId, approval.clientIp, time)
    }

    func session(_ sessionId: String) async throws -> InitiatedSession? {
        guard
            let row = try await connection.query(
                """
                SELECT session_id, org_id, environment_id, actor_platform_user_id FROM initiations
                WHERE session_id = $1
                """, sessionId
            ).first
        else { return nil }
        return InitiatedSession(
            sessionId: try row.decode("session_id"), orgId: try row.decode("org_id"),
            environmentId: try row.decode("environment_id"),
            actorPlatformUserId: try row.decode("actor_platform_user_id"))
    }
}
