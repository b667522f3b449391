import ConnectAsSchema

/// Decides a ``ListUsers``: org known, actor a member holding `env.impersonation.list_users`, plan Starter or above,
/// environment of the org, running, preflight passed and a supported Odoo: the same gates as an initiation, since
/// the list is read from the environment over SSH and only serves to start a session. No rate limit applies.
public enum ListUsersRule {
    public static func decide(_ command: ListUsers, state: PolicySnapshot) -> PolicyDecision<ListUsersApproved> {
        PolicyDecision { () throws(Denial) in
            let authorized = try Authorization.require(
                .listUsers, actor: command.actor.platformUserId, org: command.orgId, in: state)
            try EnvironmentRules.requireEligiblePlan(authorized.org)
            let environment = try EnvironmentRules.environment(command.environmentId, of: command.orgId, in: state)
            try EnvironmentRules.requireReady(environment)
            return ListUsersApproved(
                requestId: command.requestId, orgId: command.orgId, environmentId: command.environmentId,
                actor: authorized.actor, actorRole: authorized.role, search: command.search,
                environment: environment.snapshot)
        }
    }
}
