/// A ``ListUsers`` was refused.
public struct ListUsersDenied: MessagePayload {
    public static let eventType = EventType("connectas.event.ListUsersDenied", version: 1)
    public static let defaultTopic = DefaultTopic.events

    public var requestId: String
    public var orgId: String
    public var environmentId: String
    public var actor: PlatformActor
    public var code: DenialCode
    public var message: String

    public init(
        requestId: String, orgId: String, environmentId: String, actor: PlatformActor, code: DenialCode,
        message: String
    ) {
        self.requestId = requestId
        self.orgId = orgId
        self.environmentId = environmentId
        self.actor = actor
        self.code = code
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case requestId = "requestId"
        case orgId = "orgId"
        case environmentId = "environmentId"
        case actor = "actor"
        case code = "code"
        case message = "message"
    }
}

extension ListUsersDenied {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        requestId = try container.identifier(.requestId)
        orgId = try container.identifier(.orgId)
        environmentId = try container.identifier(.environmentId)
        actor = try container.required(.actor)
        code = try container.required(.code)
        message = try container.required(.message)
    }

    public var partitionKey: String { environmentId }
    public var subject: String? { environmentId }
    public var correlationId: String? { requestId }
    public var asMessage: ConnectAsMessage { .listUsersDenied(self) }
}
