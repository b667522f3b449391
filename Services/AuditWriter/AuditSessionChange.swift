import ConnectAsSchema
import Foundation

/// What one event says about a session, for the `audit_sessions` view. Fields left nil leave the row's value alone.
struct AuditSessionChange: Sendable {
    var sessionID: String?
    var requestID: String
    /// Only the approval names the request that started the session; later events may carry an end or revoke
    /// request's id, which must not replace it.
    var isInitiation = false
    var orgID: String
    var environmentID: String
    var actor: PlatformActor
    var status: AuditStatus
    // Descriptive fields: the newest value wins.
    var actorRole: String?
    var target: TargetSelector?
    var resolvedTarget: ResolvedTarget?
    var reason: String?
    var clientIP: String?
    var userAgent: String?
    var initiatedAt: Date?
    var linkExpiresAt: Date?
    var sessionExpiresAt: Date?
    // Outcome fields: the first value wins, as a repeated or late event must not rewrite what happened.
    var redeemedAt: Date?
    var browserIP: String?
    var endedAt: Date?
    var endReason: String?
    var endedBy: String?
    var denialCode: String?
    var failureCode: String?

    /// The change `event` makes to its session, or nil for events that do not touch the view (commands, the other
    /// decisions, notifications: see ``AuditSessionView/markNotified(_:at:seq:on:table:)``).
    static func from(_ event: DecodedEvent) -> AuditSessionChange? {
        let time = event.attributes.time
        switch event.message {
        case .initiateApproved(let m):
            var change = AuditSessionChange(
                sessionID: m.sessionId, requestID: m.requestId, isInitiation: true, orgID: m.orgId,
                environmentID: m.environmentId, actor: m.actor, status: .initiated)
            change.actorRole = m.actorRole.rawValue
            change.target = m.target
            change.reason = m.reason
            change.clientIP = m.clientIp
            change.userAgent = m.userAgent
            change.initiatedAt = time
            return change
        case .initiateDenied(let m):
            var change = AuditSessionChange(
                sessionID: m.sessionId, requestID: m.requestId, isInitiation: m.sessionId == nil, orgID: m.orgId,
                environmentID: m.environmentId, actor: m.actor, status: .denied)
            change.target = m.target
            change.reason = m.reason
            change.clientIP = m.clientIp
            change.userAgent = m.userAgent
            if m.sessionId == nil { change.initiatedAt = time }
            change.endedAt = time
            change.endReason = m.code.rawValue
            change.denialCode = m.code.rawValue
            return change
        case .sessionLinkIssued(let m):
            var change = AuditSessionChange(
                sessionID: m.sessionId, requestID: m.requestId, orgID: m.orgId, environmentID: m.environmentId,
                actor: m.actor, status: .initiated)
            change.resolvedTarget = m.target
            change.linkExpiresAt = m.linkExpiresAt
            change.sessionExpiresAt = m.sessionExpiresAt
            return change
        case .sessionRedeemed(let m):
            var change = AuditSessionChange(
                sessionID: m.sessionId, requestID: m.requestId, orgID: m.orgId, environmentID: m.environmentId,
                actor: m.actor, status: .redeemed)
            change.resolvedTarget = m.target
            change.redeemedAt = time
            change.browserIP = m.browserIp
            return change
        case .sessionEnded(let m):
            var change = AuditSessionChange(
                sessionID: m.sessionId, requestID: m.requestId, orgID: m.orgId, environmentID: m.environmentId,
                actor: m.actor, status: .ended)
            change.resolvedTarget = m.target
            change.endedAt = time
            change.endReason = m.endReason.rawValue
            change.endedBy = m.endedBy?.platformUserId
            return change
        case .sessionRevoked(let m):
            var change = AuditSessionChange(
                sessionID: m.sessionId, requestID: m.requestId, orgID: m.orgId, environmentID: m.environmentId,
                actor: m.actor, status: .revoked)
            change.resolvedTarget = m.target
            change.endedAt = time
            change.endReason = "revoked"
            change.endedBy = m.revokedBy.platformUserId
            return change
        case .linkExpired(let m):
            var change = AuditSessionChange(
                sessionID: m.sessionId, requestID: m.requestId, orgID: m.orgId, environmentID: m.environmentId,
                actor: m.actor, status: .expired)
            change.resolvedTarget = m.target
            change.endedAt = time
            change.endReason = "link_expired"
            return change
        case .sessionFailed(let m):
            var change = AuditSessionChange(
                sessionID: m.sessionId, requestID: m.requestId, orgID: m.orgId, environmentID: m.environmentId,
                actor: m.actor, status: .failed)
            change.endedAt = time
            change.endReason = m.code.rawValue
            change.failureCode = "\(m.stage.rawValue):\(m.code.rawValue)"
            return change
        default:
            return nil
        }
    }

    var targetOdooUserID: Int? {
        if let resolvedTarget { return resolvedTarget.odooUserId }
        if case .odooUserId(let id) = target { return id }
        return nil
    }

    var targetLogin: String? {
        if let resolvedTarget { return resolvedTarget.login }
        if case .login(let login) = target { return login }
        return nil
    }
}
