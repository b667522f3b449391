/// The one-time link was used: the browser got the Odoo session cookie. The audit status moves to Redeemed.
public struct SessionRedeemed: MessagePayload {
    public static let eventType = EventType("connectas.event.SessionRedeemed", version: 1)
    public static let defaultTopic = DefaultTopic.events

    public var requestId: String
    public var orgId: String
    public var environmentId: String
    public var sessionId: String
    public var actor: PlatformActor
    public var target: ResolvedTarget
    /// The address the redeem request came from, which may differ from the initiating `clientIp`.
    public var browserIp: String
    public var userAgent: String

    public init(
        requestId: String, orgId: String, environmentId: String, sessionId: String, actor: PlatformActor,
        target: ResolvedTarget, browserIp: String, userAgent: String
    ) {
        self.requestId = requestId
        self.orgId = orgId
        self.environmentId = environmentId
        self.sessionId = sessionId
        self.actor = actor
        self.target = target
        self.browserIp = browserIp
        self.userAgent = userAgent
    }

    enum CodingKeys: String, CodingKey {
        case requestId = "requestId"
        case orgId = "orgId"
        case environmentId = "environmentId"
        case sessionId = "sessionId"
        case actor = "actor"
        case target = "target"
        case browserIp = "browserIp"
        case userAgent = "userAgent"
    }
}

extension SessionRedeemed {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        requestId = try container.identifier(.requestId)
        orgId = try container.identifier(.orgId)
        environmentId = try container.identifier(.environmentId)
        sessionId = try container.identifier(.sessionId)
        actor = try container.required(.actor)
        target = try container.required(.target)
        browserIp = try container.identifier(.browserIp)
        userAgent = try container.required(.userAgent)
    }

    public var partitionKey: String { environmentId }
    public var subject: String? { sessionId }
    public var correlationId: String? { requestId }
    public var asMessage: ConnectAsMessage { .sessionRedeemed(self) }
}
