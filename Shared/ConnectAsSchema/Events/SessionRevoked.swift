/// The session was killed: token burnt, Odoo session deleted, the user signed out on their next request.
public struct SessionRevoked: MessagePayload {
    public static let eventType = EventType("connectas.event.SessionRevoked", version: 1)
    public static let defaultTopic = DefaultTopic.events

    /// The ``RevokeSession`` request.
    public var requestId: String
    public var orgId: String
    public var environmentId: String
    public var sessionId: String
    /// Who started the session.
    public var actor: PlatformActor
    public var target: ResolvedTarget
    public var revokedBy: PlatformActor
    public var reason: String?

    public init(
        requestId: String, orgId: String, environmentId: String, sessionId: String, actor: PlatformActor,
        target: ResolvedTarget, revokedBy: PlatformActor, reason: String? = nil
    ) {
        self.requestId = requestId
        self.orgId = orgId
        self.environmentId = environmentId
        self.sessionId = sessionId
        self.actor = actor
        self.target = target
        self.revokedBy = revokedBy
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case requestId = "requestId"
        case orgId = "orgId"
        case environmentId = "environmentId"
        case sessionId = "sessionId"
        case actor = "actor"
        case target = "target"
        case revokedBy = "revokedBy"
        case reason = "reason"
    }
}

extension SessionRevoked {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        requestId = try container.identifier(.requestId)
        orgId = try container.identifier(.orgId)
        environmentId = try container.identifier(.environmentId)
        sessionId = try container.identifier(.sessionId)
        actor = try container.required(.actor)
        target = try container.required(.target)
        revokedBy = try container.required(.revokedBy)
        reason = try container.optional(.reason)
    }

    public var partitionKey: String { environmentId }
    public var subject: String? { sessionId }
    public var correlationId: String? { requestId }
    public var asMessage: ConnectAsMessage { .sessionRevoked(self) }
}
