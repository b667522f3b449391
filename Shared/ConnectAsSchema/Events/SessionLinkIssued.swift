import Foundation

/// session-injector created the Odoo session and a one-time link for it.
///
/// Deliberately without the link or its token: this event is the audit's and the SIEM's, and the link goes only to the
/// platform, in ``SessionLinkReply``.
public struct SessionLinkIssued: MessagePayload {
    public static let eventType = EventType("connectas.event.SessionLinkIssued", version: 1)
    public static let defaultTopic = DefaultTopic.events

    public var requestId: String
    public var orgId: String
    public var environmentId: String
    public var sessionId: String
    public var actor: PlatformActor
    public var target: ResolvedTarget
    /// The link is refused after this (five minutes after issue) and ``LinkExpired`` follows if it was never used.
    public var linkExpiresAt: Date
    /// The session's maximum duration ends here; ``SessionEnded`` follows.
    public var sessionExpiresAt: Date

    public init(
        requestId: String, orgId: String, environmentId: String, sessionId: String, actor: PlatformActor,
        target: ResolvedTarget, linkExpiresAt: Date, sessionExpiresAt: Date
    ) {
        self.requestId = requestId
        self.orgId = orgId
        self.environmentId = environmentId
        self.sessionId = sessionId
        self.actor = actor
        self.target = target
        self.linkExpiresAt = RFC3339.normalized(linkExpiresAt)
        self.sessionExpiresAt = RFC3339.normalized(sessionExpiresAt)
    }

    enum CodingKeys: String, CodingKey {
        case requestId = "requestId"
        case orgId = "orgId"
        case environmentId = "environmentId"
        case sessionId = "sessionId"
        case actor = "actor"
        case target = "target"
        case linkExpiresAt = "linkExpiresAt"
        case sessionExpiresAt = "sessionExpiresAt"
    }
}

extension SessionLinkIssued {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        requestId = try container.identifier(.requestId)
        orgId = try container.identifier(.orgId)
        environmentId = try container.identifier(.environmentId)
        sessionId = try container.identifier(.sessionId)
        actor = try container.required(.actor)
        target = try container.required(.target)
        linkExpiresAt = try container.timestamp(.linkExpiresAt)
        sessionExpiresAt = try container.timestamp(.sessionExpiresAt)
    }

    // Written out so timestamps are RFC 3339 whatever the encoder's date strategy.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(requestId, forKey: .requestId)
        try container.encode(orgId, forKey: .orgId)
        try container.encode(environmentId, forKey: .environmentId)
        try container.encode(sessionId, forKey: .sessionId)
        try container.encode(actor, forKey: .actor)
        try container.encode(target, forKey: .target)
        try container.encodeTimestamp(linkExpiresAt, forKey: .linkExpiresAt)
        try container.encodeTimestamp(sessionExpiresAt, forKey: .sessionExpiresAt)
    }

    public var partitionKey: String { environmentId }
    public var subject: String? { sessionId }
    public var correlationId: String? { requestId }
    public var asMessage: ConnectAsMessage { .sessionLinkIssued(self) }
}
