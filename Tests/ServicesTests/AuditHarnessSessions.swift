import ConnectAsSchema
import Foundation
import TestSupport

/// The events of one impersonation session, as policy-service and session-injector publish them, with ids unique
/// to the test. Shared by the Audit* and Notifier* tests.
struct HarnessSession: Sendable {
    let sessionID = StackEnvironment.uniqueName("ses")
    let requestID = StackEnvironment.uniqueName("req")
    let endRequestID = StackEnvironment.uniqueName("req-end")
    let orgID: String
    let environmentID: String
    let actor = PlatformActor(platformUserId: "usr_42", email: "ana.soporte@hosting.example")
    let target: ResolvedTarget
    let notifications: NotificationSettings
    let environment: EnvironmentSnapshot
    let reason = "El cliente no puede validar facturas (ticket #4711)"

    init(
        orgID: String = StackEnvironment.uniqueName("org"), environmentID: String = StackEnvironment.uniqueName("env"),
        recipient: String? = "\(StackEnvironment.uniqueName("jose"))@cliente.test",
        notifications: NotificationSettings = NotificationSettings(channels: [.email], language: .english),
        target: ResolvedTarget? = nil, environment: EnvironmentSnapshot = Self.environment
    ) {
        self.orgID = orgID
        self.environmentID = environmentID
        self.target =
            target ?? ResolvedTarget(odooUserId: 7, login: "jose.nunez", displayName: "José Núñez", email: recipient)
        self.notifications = notifications
        self.environment = environment
    }

    static let environment = EnvironmentSnapshot(
        domain: "erp.cliente.test",
        server: ServerEndpoint(
            host: "10.0.0.5", port: 22, user: "deploy",
            hostKeyFingerprint: "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"),
        odooVersion: "17.0", database: "cliente", runtime: .docker(container: "cliente-odoo"))

    var approved: InitiateApproved {
        InitiateApproved(
            requestId: requestID, orgId: orgID, environmentId: environmentID, sessionId: sessionID, actor: actor,
            actorRole: .admin, target: .login(target.login), reason: reason, clientIp: "203.0.113.9",
            userAgent: "Mozilla/5.0", maxSessionDurationSeconds: 3600, protectAdministrators: true,
            environment: environment, notifications: notifications)
    }

    func linkIssued(at time: Date) -> SessionLinkIssued {
        SessionLinkIssued(
            requestId: requestID, orgId: orgID, environmentId: environmentID, sessionId: sessionID, actor: actor,
            target: target, linkExpiresAt: time.addingTimeInterval(300), sessionExpiresAt: time.addingTimeInterval(3600)
        )
    }

    var redeemed: SessionRedeemed {
        SessionRedeemed(
            requestId: requestID, orgId: orgID, environmentId: environmentID, sessionId: sessionID, actor: actor,
            target: target, browserIp: "198.51.100.23", userAgent: "Mozilla/5.0")
    }

    var ended: SessionEnded {
        SessionEnded(
            requestId: endRequestID, orgId: orgID, environmentId: environmentID, sessionId: sessionID, actor: actor,
            target: target, endReason: .endCommand, endedBy: actor)
    }

    func revoked(reason: String?) -> SessionRevoked {
        SessionRevoked(
            requestId: endRequestID, orgId: orgID, environmentId: environmentID, sessionId: sessionID, actor: actor,
            target: target, revokedBy: PlatformActor(platformUserId: "usr_7", email: "lead@hosting.example"),
            reason: reason)
    }

    var expired: LinkExpired {
        LinkExpired(
            requestId: requestID, orgId: orgID, environmentId: environmentID, sessionId: sessionID, actor: actor,
            target: target)
    }

    /// An initiation refused by policy, before any session id: the audit keys it by its request.
    func denied(requestID: String) -> InitiateDenied {
        InitiateDenied(
            requestId: requestID, orgId: orgID, environmentId: environmentID, actor: actor, target: .login("admin"),
            reason: "mirar", clientIp: "203.0.113.9", userAgent: "Mozilla/5.0", code: .reasonTooShort,
            message: "The reason must be at least 10 characters.")
    }
}
