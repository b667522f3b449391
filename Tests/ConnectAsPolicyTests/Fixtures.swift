import ConnectAsPolicy
import ConnectAsSchema
import Foundation

/// Platform state for one org with one environment, and commands against it; each test changes what it is about.
enum Fixtures {
    static let orgId = "org-1"
    static let environmentId = "env-1"
    static let now = Date(timeIntervalSince1970: 1_750_000_000)

    static func org(
        plan: Plan = .starter, overrides: [Role: [Permission: Bool]] = [:], protectAdministrators: Bool = true,
        maxSessionDurationSeconds: Int = 1800
    ) -> OrgState {
        OrgState(
            orgId: orgId, plan: plan, permissionOverrides: overrides,
            notifications: NotificationSettings(channels: [.email, .bell], language: .spanish),
            policy: PolicySettings(
                protectAdministrators: protectAdministrators, maxSessionDurationSeconds: maxSessionDurationSeconds))
    }

    static func member(_ role: Role, userId: String = "user-1", orgId: String = orgId) -> MemberState {
        MemberState(orgId: orgId, platformUserId: userId, email: "\(userId)@platform.example", role: role)
    }

    static func environment(
        status: EnvironmentStatus = .running, preflight: Preflight = Preflight(ok: true), odooVersion: String = "17.0",
        orgId: String = orgId, environmentId: String = environmentId
    ) -> EnvironmentState {
        EnvironmentState(
            environmentId: environmentId, orgId: orgId, status: status, domain: "acme.example.com",
            server: ServerEndpoint(host: "10.0.0.5", user: "deploy", hostKeyFingerprint: "SHA256:abc"),
            odooVersion: odooVersion, database: "acme", runtime: .docker(container: "odoo-web"), preflight: preflight)
    }

    static func state(
        org: OrgState? = org(), member: MemberState? = member(.admin), environment: EnvironmentState? = environment()
    ) -> PolicySnapshot {
        PolicySnapshot(org: org, member: member, environment: environment)
    }

    /// The command's e-mail differs from state's on purpose: approvals must carry state's.
    static let actor = PlatformActor(platformUserId: "user-1", email: "claimed@elsewhere.example")

    static func initiate(
        reason: String = "Customer ticket #4521: invoice totals wrong", clientIp: String = "203.0.113.7"
    )
        -> InitiateSession
    {
        InitiateSession(
            requestId: "req-1", orgId: orgId, environmentId: environmentId, actor: actor, target: .login("sam"),
            reason: reason, clientIp: clientIp, userAgent: "Mozilla/5.0")
    }

    static func decideInitiate(
        _ command: InitiateSession = initiate(), state: PolicySnapshot = state(), recent: RecentInitiations = .none,
        now: Date = now
    ) -> PolicyDecision<InitiateApproved> {
        InitiateRule.decide(command, state: state, recent: recent, now: now, sessionId: "session-1")
    }

    static func session(actor: String = "user-1", environmentId: String = environmentId, orgId: String = orgId)
        -> InitiatedSession
    {
        InitiatedSession(
            sessionId: "session-1", orgId: orgId, environmentId: environmentId, actorPlatformUserId: actor)
    }

    static func revoke(reason: String? = nil) -> RevokeSession {
        RevokeSession(
            requestId: "req-2", orgId: orgId, environmentId: environmentId, sessionId: "session-1", actor: actor,
            reason: reason)
    }

    static func end(reason: String? = nil) -> EndSession {
        EndSession(
            requestId: "req-3", orgId: orgId, environmentId: environmentId, sessionId: "session-1", actor: actor,
            reason: reason)
    }

    static func listUsers() -> ListUsers {
        ListUsers(requestId: "req-4", orgId: orgId, environmentId: environmentId, actor: actor, search: "sa")
    }
}
