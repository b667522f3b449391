import ConnectAsSchema

/// Decides whether a platform user may read the audit: for one environment with `env.impersonation.view_audit`
/// (the environment must belong to the org), for the whole org only as an Owner who also holds it (an org that
/// withdraws the permission from Owners withdraws the org-level log too). For audit-writer's query API, which asks
/// with its own copy of platform state, never with a claim of the request.
public enum ViewAuditRule {
    public enum Scope: Sendable, Hashable {
        case environment(String)
        case org
    }

    public static func decide(
        platformUserId: String, orgId: String, scope: Scope, state: PolicySnapshot
    ) -> PolicyDecision<AuthorizedActor> {
        PolicyDecision { () throws(Denial) in
            let authorized = try Authorization.require(.viewAudit, actor: platformUserId, org: orgId, in: state)
            switch scope {
            case .environment(let environmentId):
                _ = try EnvironmentRules.environment(environmentId, of: orgId, in: state)
            case .org:
                guard authorized.role == .owner else {
                    throw Denial(.permissionDenied, "Only Owners can read the organization's whole audit log.")
                }
            }
            return authorized
        }
    }
}
