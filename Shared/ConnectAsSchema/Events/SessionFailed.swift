/// The injector could not do what an approval or a command asked for this session, e.g. the server presented a host
/// key other than the pinned one. Audit status Failed.
public struct SessionFailed: MessagePayload {
    public static let eventType = EventType("connectas.event.SessionFailed", version: 1)
    public static let defaultTopic = DefaultTopic.events

    public var requestId: String
    public var orgId: String
    public var environmentId: String
    public var sessionId: String
    public var actor: PlatformActor
    public var stage: FailureStage
    public var code: FailureCode
    /// For operators; may quote remote output but never a token, a session id of Odoo's, or a key.
    public var message: String

    public init(
        requestId: String, orgId: String, environmentId: String, sessionId: String, actor: PlatformActor,
        stage: FailureStage, code: FailureCode, message: String
    ) {
        self.requestId = requestId
        self.orgId = orgId
        self.environmentId = environmentId
        self.sessionId = sessionId
        self.actor = actor
        self.stage = stage
        self.code = code
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case requestId = "requestId"
        case orgId = "orgId"
        case environmentId = "environmentId"
        case sessionId = "sessionId"
        case actor = "actor"
        case stage = "stage"
        case code = "code"
        case message = "message"
    }
}

extension SessionFailed {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        requestId = try container.identifier(.requestId)
        orgId = try container.identifier(.orgId)
        environmentId = try container.identifier(.environmentId)
        sessionId = try container.identifier(.sessionId)
        actor = try container.required(.actor)
        stage = try container.required(.stage)
        code = try container.required(.code)
        message = try container.required(.message)
    }

    public var partitionKey: String { environmentId }
    public var subject: String? { sessionId }
    public var correlationId: String? { requestId }
    public var asMessage: ConnectAsMessage { .sessionFailed(self) }
}
