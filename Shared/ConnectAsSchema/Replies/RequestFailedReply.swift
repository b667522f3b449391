/// A command was allowed (or could not even be read) but the suite could not carry it out, so the platform stops
/// waiting and can tell the engineer why.
///
/// `command`, `orgId` and `environmentId` are optional because a command that failed to decode may have yielded
/// only its request id (the envelope's `correlationid`, see ``SchemaError/correlationId``).
public struct RequestFailedReply: MessagePayload {
    public static let eventType = EventType("connectas.reply.RequestFailed", version: 1)
    public static let defaultTopic = DefaultTopic.replies

    public var requestId: String
    public var command: CommandKind?
    public var orgId: String?
    public var environmentId: String?
    public var sessionId: String?
    public var stage: FailureStage
    public var code: FailureCode
    public var message: String

    public init(
        requestId: String, command: CommandKind?, orgId: String?, environmentId: String?, sessionId: String? = nil,
        stage: FailureStage, code: FailureCode, message: String
    ) {
        self.requestId = requestId
        self.command = command
        self.orgId = orgId
        self.environmentId = environmentId
        self.sessionId = sessionId
        self.stage = stage
        self.code = code
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case requestId = "requestId"
        case command = "command"
        case orgId = "orgId"
        case environmentId = "environmentId"
        case sessionId = "sessionId"
        case stage = "stage"
        case code = "code"
        case message = "message"
    }
}

extension RequestFailedReply {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        requestId = try container.identifier(.requestId)
        command = try container.optional(.command)
        orgId = try container.optionalIdentifier(.orgId)
        environmentId = try container.optionalIdentifier(.environmentId)
        sessionId = try container.optionalIdentifier(.sessionId)
        stage = try container.required(.stage)
        code = try container.required(.code)
        message = try container.required(.message)
    }

    public var partitionKey: String { requestId }
    public var subject: String? { sessionId }
    public var correlationId: String? { requestId }
    public var asMessage: ConnectAsMessage { .requestFailedReply(self) }
}
