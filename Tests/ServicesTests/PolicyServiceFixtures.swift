import ConnectAsSchema
import Foundation

/// Platform state and commands for the policy-service tests: one org on the Starter plan with an owner, an admin, a
/// developer and a viewer, and two running environments.
enum PolicyFixtures {
    static let orgId = "org-acme"
    static let environmentId = "env-prod"
    static let otherEnvironmentId = "env-staging"

    static let org = OrgState(
        orgId: orgId, plan: .starter, permissionOverrides: [.developer: [.listUsers: true]],
        notifications: NotificationSettings(channels: [.email], language: .spanish),
        policy: PolicySettings(protectAdministrators: true, maxSessionDurationSeconds: 1800))

    static let owner = member("user-owner", .owner)
    static let admin = member("user-admin", .admin)
    static let developer = member("user-dev", .developer)
    static let viewer = member("user-viewer", .viewer)
    static let members = [owner, admin, developer, viewer]

    static func member(_ id: String, _ role: Role, orgId: String = orgId) -> MemberState {
        MemberState(orgId: orgId, platformUserId: id, email: "\(id)@platform.example", role: role)
    }

    static func environment(_ id: String = environmentId, status: EnvironmentStatus = .running) -> EnvironmentState {
        EnvironmentState(
            environmentId: id, orgId: orgId, status: status, domain: "\(id).acme.example.com",
            server: ServerEndpoint(host: "127.0.0.1", port: 2222, user: "odoo", hostKeyFingerprint: "SHA256:pinned"),
            odooVersion: "17.0", database: "acme", runtime: .host(command: ["/opt/odoo/odoo-bin"], runAsUser: "odoo"),
            preflight: Preflight(ok: true))
    }

    static let environments = [environment(), environment(otherEnvironmentId)]

    /// An actor as the command names them; the e-mail is the command's claim, which policy must not carry over.
    static func actor(_ member: MemberState, claimedEmail: String? = nil) -> PlatformActor {
        PlatformActor(platformUserId: member.platformUserId, email: claimedEmail ?? member.email)
    }

    static func initiate(
        _ requestId: String = "req-\(UUID().uuidString.prefix(8))", by member: MemberState = admin,
        environmentId: String = environmentId, reason: String = "Reproducing ticket #4521 for the customer",
        clientIp: String = "198.51.100.10", claimedEmail: String? = nil
    ) -> InitiateSession {
        InitiateSession(
            requestId: requestId, orgId: orgId, environmentId: environmentId,
            actor: actor(member, claimedEmail: claimedEmail), target: .login("sam"), reason: reason,
            clientIp: clientIp, userAgent: "Mozilla/5.0 (policy tests)")
    }
}
