/// Any command was refused by policy. One reply type for all four commands, since the platform handles denials alike:
/// show the message, maybe branch on the code.
public struct RequestDeniedReply: MessagePayload {
    public static let eventType = EventType("connectas.reply.RequestDenied", version: 1)
    public static let defaultTopic = DefaultTopic.replies

    public var requestId: String
    /// Absent only on an `invalid_request` refusal of a command whose org could not be read.
    public var orgId: String?
    /// Absent only on an `invalid_request` refusal of a command whose environment could not be read.
    public var environmentId: String?
    public var command: CommandKind
    public var sessionId: String?
    public var code: DenialCode
    public var message: String
    public var retryAfterSeconds: Int?
    /// On `invalid_request`: the path of the field that was refused, e.g. `data.clientIp`.
    public var field: String?

    public init(
        requestId: String, orgId: String?, environmentId: String?, command: CommandKind, sessionId: String? = nil,
        code: DenialCode, message: String, retryAfterSeconds: Int? = nil, field: String? = nil
    ) {
        self.requestId = requestId
        self.orgId = orgId
        self.environmentId = environmentId
        self.command = command
        self.sessionId = sessionId
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
        self.field = field
    }

    enum CodingKeys: String, CodingKey {
        case requestId = "requestId"
        case orgId = "orgId"
        case environmentId = "environmentId"
        case command = "command"
        case sessionId = "sessionId"
        case code = "code"
        case message = "message"
        case retryAfterSeconds = "retryAfterSeconds"
        case field = "field"
    }
}

extension RequestDeniedReply {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        requestId = try container.identifier(.requestId)
        orgId = try container.optionalIdentifier(.orgId)
        environmentId = try container.optionalIdentifier(.environmentId)
        command = try container.required(.command)
        sessionId = try container.optionalIdentifier(.sessionId)
        code = try container.required(.code)
        message = try container.required(.message)
        retryAfterSeconds = try container.optionalInteger(.retryAfterSeconds, in: 0...Int.max)
        field = try container.optional(.field)
    }

    public var partitionKey: String { requestId }
    public var subject: String? { sessionId }
    public var correlationId: String? { requestId }
    public var asMessage: ConnectAsMessage { .requestDeniedReply(self) }
}
