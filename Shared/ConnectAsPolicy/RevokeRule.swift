import ConnectAsSchema

/// Decides a ``RevokeSession``: org known, actor a member holding `env.impersonation.revoke`, environment of the org,
/// the session approved on that environment (`session_not_found`), and the optional reason acceptable.
///
/// Neither the plan nor the environment's status is checked: taking access away must stay possible after a
/// downgrade or while the environment is stopped. Whether the session is still active is the injector's to say.
public enum RevokeRule {
    public static func decide(
        _ command: RevokeSession, state: PolicySnapshot, session: InitiatedSession?
    ) -> PolicyDecision<RevokeApproved> {
        PolicyDecision { () throws(Denial) in
            let authorized = try Authorization.require(
                .revoke, actor: command.actor.platformUserId, org: command.orgId, in: state)
            let environment = try EnvironmentRules.environment(command.environmentId, of: command.orgId, in: state)
            _ = try SessionRules.session(
                session, id: command.sessionId, orgId: command.orgId, environmentId: command.environmentId)
            let reason = try ReasonRules.optional(command.reason)
            return RevokeApproved(
                requestId: command.requestId, orgId: command.orgId, environmentId: command.environmentId,
                sessionId: command.sessionId, actor: authorized.actor, actorRole: authorized.role, reason: reason,
                environment: environment.snapshot)
        }
    }
}
