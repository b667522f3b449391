/// The platform asks to end a session now (the engineer is done), as opposed to revoking it; both sign the user out,
/// but the audit tells a normal end from a forced one.
public struct EndSession: MessagePayload {
    public static let eventType = EventType("connectas.command.EndSession", version: 1)
    public static let defaultTopic = DefaultTopic.commands

    public var requestId: String
    public var orgId: String
    public var environmentId: String
    public var sessionId: String
    public var actor: PlatformActor
    public var reason: String?

    public init(
        requestId: String, orgId: String, environmentId: String, sessionId: String, actor: PlatformActor,
        reason: String? = nil
    ) {
        self.requestId = requestId
        self.orgId = orgId
        self.environmentId = environmentId
        self.sessionId = sessionId
        self.actor = actor
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case requestId = "requestId"
        case orgId = "orgId"
        case environmentId = "environmentId"
        case sessionId = "sessionId"
        case actor = "actor"
        case reason = "reason"
    }
}

extension EndSession {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        requestId = try container.id(.requestId)
        orgId = try container.id(.orgId)
        environmentId = try container.id(.environmentId)
        sessionId = try container.id(.sessionId)
        actor = try container.required(.actor)
        reason = try container.optionalText(.reason, max: FieldRules.reasonMaxLength, controls: .allowed)
    }

    public var partitionKey: String { environmentId }
    public var subject: String? { sessionId }
    public var correlationId: String? { requestId }
    public var asMessage: ConnectAsMessage { .endSession(self) }
}
