import ConnectAsSchema
import Foundation

/// Decides an ``InitiateSession``.
///
/// Checks, in this order (the first broken rule is the denial): the org is known (`org_unknown`); the actor is a
/// member (`not_a_member`) whose role holds `env.impersonation.initiate` (`permission_denied`); the plan is Starter
/// or above (`plan_not_eligible`); the environment belongs to the org (`environment_unknown`), is running
/// (`environment_not_running`), passed its SSH preflight (`preflight_failed`) and runs a supported Odoo
/// (`odoo_version_unsupported`); the reason is acceptable (`reason_invalid_characters`, `reason_too_short`,
/// `reason_too_long`); and the rate limits leave room (`rate_limited_client_ip`, then `rate_limited_environment`).
/// Authorization comes first so that a caller without the right learns nothing about the environment.
///
/// The target rules that need Odoo's data are the injector's (see ``InitiateApproved``).
public enum InitiateRule {
    public static func decide(
        _ command: InitiateSession, state: PolicySnapshot, recent: RecentInitiations, now: Date,
        limits: RateLimits = .standard, sessionId: String
    ) -> PolicyDecision<InitiateApproved> {
        PolicyDecision { () throws(Denial) in
            let authorized = try Authorization.require(
                .initiate, actor: command.actor.platformUserId, org: command.orgId, in: state)
            try EnvironmentRules.requireEligiblePlan(authorized.org)
            let environment = try EnvironmentRules.environment(command.environmentId, of: command.orgId, in: state)
            try EnvironmentRules.requireReady(environment)
            let reason = try ReasonRules.required(command.reason)
            try limits.check(recent, at: now)
            let policy = authorized.org.policy
            return InitiateApproved(
                requestId: command.requestId, orgId: command.orgId, environmentId: command.environmentId,
                sessionId: sessionId, actor: authorized.actor, actorRole: authorized.role, target: command.target,
                reason: reason, clientIp: command.clientIp, userAgent: command.userAgent,
                maxSessionDurationSeconds: policy.maxSessionDurationSeconds,
                protectAdministrators: policy.protectAdministrators, environment: environment.snapshot,
                notifications: authorized.org.notifications)
        }
    }
}
