/// A ``EndSession`` was refused; the session, if any, goes on.
public struct EndDenied: MessagePayload {
    public static let eventType = EventType("connectas.event.EndDenied", version: 1)
    public static let defaultTopic = DefaultTopic.events

    public var requestId: String
    public var orgId: String
    public var environmentId: String
    public var sessionId: String
    public var actor: PlatformActor
    public var code: DenialCode
    public var message: String

    public init(
        requestId: String, orgId: String, environmentId: String, sessionId: String, actor: PlatformActor,
        code: DenialCode, message: String
    ) {
        self.requestId = requestId
        self.orgId = orgId
        self.environmentId = environmentId
        self.sessionId = sessionId
        self.actor = actor
        self.code = code
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case requestId = "requestId"
        case orgId = "orgId"
        case environmentId = "environmentId"
        case sessionId = "sessionId"
        case actor = "actor"
        case code = "code"
        case message = "message"
    }
}

extension EndDenied {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        requestId = try container.identifier(.requestId)
        orgId = try container.identifier(.orgId)
        environmentId = try container.identifier(.environmentId)
        sessionId = try container.identifier(.sessionId)
        actor = try container.required(.actor)
        code = try container.required(.code)
        message = try container.required(.message)
    }

    public var partitionKey: String { environmentId }
    public var subject: String? { sessionId }
    public var correlationId: String? { requestId }
    public var asMessage: ConnectAsMessage { .endDenied(self) }
}
