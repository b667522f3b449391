import ConnectAsSchema
import Foundation
import Testing

/// One value of every message type, built in Swift. The hand-written JSON fixtures decode to these, so a renamed
/// property or a changed wire name fails a test.
enum Samples {
    static func date(_ text: String) -> Date {
        RFC3339.date(from: text)!
    }

    static let time = date("2025-03-01T10:15:30.123Z")

    static let attributes = EnvelopeAttributes(
        id: "evt-1", source: "/platform/backend", time: time, subject: "env-1", correlationId: "req-1")

    static let actor = PlatformActor(platformUserId: "usr_42", email: "ana@support.example")
    static let lead = PlatformActor(platformUserId: "usr_7", email: "lead@support.example")
    static let target = ResolvedTarget(
        odooUserId: 7, login: "sam@customer.example", displayName: "Sam Rivera", email: "sam@customer.example")
    static let server = ServerEndpoint(
        host: "10.0.0.5", port: 2222, user: "deploy",
        hostKeyFingerprint: "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU")
    static let hostRuntime = OdooRuntime.host(
        command: ["/opt/odoo/odoo-bin", "shell", "-c", "/etc/odoo/odoo.conf"], runAsUser: "odoo")
    static let dockerEnvironment = EnvironmentSnapshot(
        domain: "acme.odoo.example", server: server, odooVersion: "17.0", database: "acme_prod",
        runtime: .docker(container: "acme-odoo"))
    static let hostEnvironment = EnvironmentSnapshot(
        domain: "erp.acme.example", server: server, odooVersion: "13.0", database: "acme", runtime: hostRuntime)
    static let notifications = NotificationSettings(channels: [.email, .bell], language: .spanish)

    // Commands
    static let initiateSession = InitiateSession(
        requestId: "req-1", orgId: "org-1", environmentId: "env-1", actor: actor,
        target: .login("sam@customer.example"), reason: "Customer reported invoice view error",
        clientIp: "203.0.113.9", userAgent: "Mozilla/5.0 (X11; Linux x86_64)")
    static let endSession = EndSession(
        requestId: "req-2", orgId: "org-1", environmentId: "env-1", sessionId: "ses-1", actor: actor,
        reason: "done reproducing")
    static let revokeSession = RevokeSession(
        requestId: "req-3", orgId: "org-1", environmentId: "env-1", sessionId: "ses-1", actor: lead)
    static let listUsers = ListUsers(
        requestId: "req-4", orgId: "org-1", environmentId: "env-1", actor: actor, search: "sam")

    // Decisions
    static let initiateApproved = InitiateApproved(
        requestId: "req-1", orgId: "org-1", environmentId: "env-1", sessionId: "ses-1", actor: actor,
        actorRole: .admin, target: .odooUserId(7), reason: "Customer reported invoice view error",
        clientIp: "203.0.113.9", userAgent: "Mozilla/5.0 (X11; Linux x86_64)", maxSessionDurationSeconds: 3600,
        protectAdministrators: true, environment: dockerEnvironment, notifications: notifications)
    static let initiateDenied = InitiateDenied(
        requestId: "req-1", orgId: "org-1", environmentId: "env-1", actor: actor,
        target: .login("sam@customer.example"), reason: "Customer reported invoice view error",
        clientIp: "203.0.113.9", userAgent: "Mozilla/5.0 (X11; Linux x86_64)", code: .rateLimitedClientIp,
        message: "Too many sessions from this address; try again later.", retryAfterSeconds: 1200)
    static let revokeApproved = RevokeApproved(
        requestId: "req-3", orgId: "org-1", environmentId: "env-1", sessionId: "ses-1", actor: lead,
        actorRole: .owner, reason: "Left open by mistake", environment: hostEnvironment)
    static let revokeDenied = RevokeDenied(
        requestId: "req-3", orgId: "org-1", environmentId: "env-1", sessionId: "ses-1", actor: lead,
        code: .permissionDenied, message: "You may not revoke sessions in this organization.")
    static let endApproved = EndApproved(
        requestId: "req-2", orgId: "org-1", environmentId: "env-1", sessionId: "ses-1", actor: actor,
        actorRole: .developer, environment: dockerEnvironment)
    static let endDenied = EndDenied(
        requestId: "req-2", orgId: "org-1", environmentId: "env-1", sessionId: "ses-1", actor: actor,
        code: .sessionNotActive, message: "The session has already ended.")
    static let listUsersApproved = ListUsersApproved(
        requestId: "req-4", orgId: "org-1", environmentId: "env-1", actor: actor, actorRole: .admin, search: "sam",
        environment: dockerEnvironment)
    static let listUsersDenied = ListUsersDenied(
        requestId: "req-4", orgId: "org-1", environmentId: "env-1", actor: actor, code: .planNotEligible,
        message: "Connect As needs the Starter plan or above.")

    // Session events
    static let sessionLinkIssued = SessionLinkIssued(
        requestId: "req-1", orgId: "org-1", environmentId: "env-1", sessionId: "ses-1", actor: actor, target: target,
        linkExpiresAt: date("2025-03-01T10:20:30.123Z"), sessionExpiresAt: date("2025-03-01T11:15:30.123Z"))
    static let sessionRedeemed = SessionRedeemed(
        requestId: "req-1", orgId: "org-1", environmentId: "env-1", sessionId: "ses-1", actor: actor, target: target,
        browserIp: "198.51.100.23", userAgent: "Mozilla/5.0 (X11; Linux x86_64)")
    static let sessionEnded = SessionEnded(
        requestId: "req-2", orgId: "org-1", environmentId: "env-1", sessionId: "ses-1", actor: actor, target: target,
        endReason: .endCommand, endedBy: actor)
    static let linkExpired = LinkExpired(
        requestId: "req-1", orgId: "org-1", environmentId: "env-1", sessionId: "ses-1", actor: actor, target: target)
    static let sessionRevoked = SessionRevoked(
        requestId: "req-3", orgId: "org-1", environmentId: "env-1", sessionId: "ses-1", actor: actor, target: target,
        revokedBy: lead, reason: "Left open by mistake")
    static let sessionFailed = SessionFailed(
        requestId: "req-1", orgId: "org-1", environmentId: "env-1", sessionId: "ses-1", actor: actor,
        stage: .sshHostKey, code: .hostKeyMismatch, message: "the server presented a different host key")
    static let notificationSent = NotificationSent(
        requestId: "req-1", orgId: "org-1", environmentId: "env-1", sessionId: "ses-1", channel: .bell,
        language: .spanish, recipient: target, notifiedEventId: "evt-redeemed-1",
        notifiedEventType: "connectas.event.SessionRedeemed.v1")
    static let notificationFailed = NotificationFailed(
        requestId: "req-1", orgId: "org-1", environmentId: "env-1", sessionId: "ses-1", channel: .bell,
        language: .spanish, recipient: target, notifiedEventId: "evt-redeemed-1",
        notifiedEventType: "connectas.event.SessionRedeemed.v1", attempts: 1,
        reason: "mail_not_installed: the Discuss (mail) module is not installed")

    // Replies
    static let sessionLinkReply = SessionLinkReply(
        requestId: "req-1", orgId: "org-1", environmentId: "env-1", sessionId: "ses-1",
        url: URL(string: "https://acme.odoo.example/connectas/redeem/3q2-7wEAAAA")!,
        expiresAt: date("2025-03-01T10:20:30.123Z"))
    static let requestDeniedReply = RequestDeniedReply(
        requestId: "req-1", orgId: "org-1", environmentId: "env-1", command: .initiateSession, sessionId: "ses-1",
        code: .targetProtectedAdministrator, message: "Administrators are protected in this organization.")
    static let requestFailedReply = RequestFailedReply(
        requestId: "req-9", command: nil, orgId: nil, environmentId: nil, stage: .validation, code: .invalidCommand,
        message: "schema.missing_field at data.actor")
    static let usersListReply = UsersListReply(
        requestId: "req-4", orgId: "org-1", environmentId: "env-1",
        users: [
            OdooUser(id: 2, login: "admin", displayName: "Mitchell Admin", isAdministrator: true),
            OdooUser(id: 7, login: "sam@customer.example", displayName: "Sam Rivera", isAdministrator: false),
        ])
    static let stateApplied = StateApplied(
        stateEventId: "evt-env-1", stateType: "platform.environment.v1", stateKey: "env-1")
    static let revokeAcknowledged = RevokeAcknowledged(
        requestId: "req-3", orgId: "org-1", environmentId: "env-1", sessionId: "ses-1")
    static let endAcknowledged = EndAcknowledged(
        requestId: "req-2", orgId: "org-1", environmentId: "env-1", sessionId: "ses-1")

    // Platform state
    static let orgState = OrgState(
        orgId: "org-1", plan: .professional,
        permissionOverrides: [.developer: [.listUsers: true, .initiate: true], .admin: [.revoke: false]],
        notifications: notifications,
        policy: PolicySettings(protectAdministrators: true, maxSessionDurationSeconds: 1800))
    static let memberState = MemberState(
        orgId: "org-1", platformUserId: "usr_42", email: "ana@support.example", role: .admin)
    static let environmentState = EnvironmentState(
        environmentId: "env-1", orgId: "org-1", status: .running, domain: "erp.acme.example", server: server,
        odooVersion: "13.0", database: "acme", runtime: hostRuntime,
        preflight: Preflight(ok: false, failures: ["odoo container not reachable"]))

    // Dead letters: a payload that is not UTF-8, so it travels as base64.
    static let deadLetter = DeadLetter(
        originalTopic: "connectas.commands", partition: 3, offset: 1042, key: Data("env-1".utf8),
        payload: Data([0xFF, 0xFE, 0x00, 0x41]), errorCode: "schema.malformed_json", reason: "not valid JSON",
        service: "policy-service", failedAt: time,
        payloadSha256: "6e153708ea1302ccc480999bda6939c7aef6dd60531b7acfff00e81bde4986ab")

    // The audit's own
    static let auditCheckpoint = AuditCheckpoint(
        seq: 4711, headHash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        signedAt: "2025-03-01T10:15:30.123Z", keyId: "5a1e3c0f9b7d2e41",
        signature: "c2lnbmF0dXJlIG9mIHNpeHR5LWZvdXIgYnl0ZXMgLi4uLi4uLi4uLi4uLi4uLi4uLi4uLi4uLi4uLi4uLi4uLg==")
    static let auditQueried = AuditQueried(
        queryId: "qry-1", caller: .platform, platformUserId: "usr_42", actor: actor, orgId: "org-1",
        environmentId: "env-1", sessionId: nil, query: "/v1/orgs/org-1/environments/env-1/sessions?status=ended",
        allowed: false, denialCode: .permissionDenied, denialReason: "Missing permission env.impersonation.view_audit.")

    static let all: [ConnectAsMessage] = [
        .initiateSession(initiateSession), .endSession(endSession), .revokeSession(revokeSession),
        .listUsers(listUsers),
        .initiateApproved(initiateApproved), .initiateDenied(initiateDenied), .revokeApproved(revokeApproved),
        .revokeDenied(revokeDenied), .endApproved(endApproved), .endDenied(endDenied),
        .listUsersApproved(listUsersApproved), .listUsersDenied(listUsersDenied),
        .sessionLinkIssued(sessionLinkIssued), .sessionRedeemed(sessionRedeemed), .sessionEnded(sessionEnded),
        .linkExpired(linkExpired), .sessionRevoked(sessionRevoked), .sessionFailed(sessionFailed),
        .notificationSent(notificationSent),
        .notificationFailed(notificationFailed),
        .sessionLinkReply(sessionLinkReply), .requestDeniedReply(requestDeniedReply),
        .requestFailedReply(requestFailedReply), .usersListReply(usersListReply), .stateApplied(stateApplied),
        .revokeAcknowledged(revokeAcknowledged), .endAcknowledged(endAcknowledged),
        .orgState(orgState), .memberState(memberState), .environmentState(environmentState),
        .deadLetter(deadLetter),
        .auditCheckpoint(auditCheckpoint), .auditQueried(auditQueried),
    ]
}

extension ConnectAsMessage: CustomTestStringConvertible {
    public var testDescription: String { eventType.rawValue }
}
