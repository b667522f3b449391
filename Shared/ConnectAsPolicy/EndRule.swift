import ConnectAsSchema

/// Decides an ``EndSession``: org known, actor a member, environment of the org, the session approved on that
/// environment (`session_not_found`), then the actor either started the session or holds `env.impersonation.revoke`
/// (`permission_denied`), and the optional reason is acceptable.
///
/// Like a revoke, an end is allowed whatever the plan or the environment's status.
public enum EndRule {
    public static func decide(
        _ command: EndSession, state: PolicySnapshot, session: InitiatedSession?
    ) -> PolicyDecision<EndApproved> {
        PolicyDecision { () throws(Denial) in
            let authorized = try Authorization.member(command.actor.platformUserId, of: command.orgId, in: state)
            let environment = try EnvironmentRules.environment(command.environmentId, of: command.orgId, in: state)
            let session = try SessionRules.session(
                session, id: command.sessionId, orgId: command.orgId, environmentId: command.environmentId)
            let isInitiator = session.actorPlatformUserId == authorized.member.platformUserId
            guard isInitiator || authorized.org.isGranted(.revoke, to: authorized.role) else {
                throw Denial(
                    .permissionDenied,
                    "Only the engineer who started the session, or a role with env.impersonation.revoke, can end it.")
            }
            let reason = try ReasonRules.optional(command.reason)
            return EndApproved(
                requestId: command.requestId, orgId: command.orgId, environmentId: command.environmentId,
                sessionId: command.sessionId, actor: authorized.actor, actorRole: authorized.role, reason: reason,
                environment: environment.snapshot)
        }
    }
}
