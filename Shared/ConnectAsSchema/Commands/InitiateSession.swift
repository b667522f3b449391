/// The platform asks for a Connect As session. Nothing in it is trusted for authorization: policy-service decides from
/// its own copy of platform state, and uses the actor only to look them up there.
public struct InitiateSession: MessagePayload {
    public static let eventType = EventType("connectas.command.InitiateSession", version: 1)
    public static let defaultTopic = DefaultTopic.commands

    /// Chosen by the platform, unique per click; every message of the flow carries it and replies are keyed by it.
    public var requestId: String
    public var orgId: String
    public var environmentId: String
    public var actor: PlatformActor
    public var target: TargetSelector
    /// As typed; its length and characters are policy's to judge (a denial the platform can show), not the schema's.
    public var reason: String
    /// The support engineer's address as the platform saw it; rate limits count per this address.
    public var clientIp: String
    public var userAgent: String

    public init(
        requestId: String, orgId: String, environmentId: String, actor: PlatformActor, target: TargetSelector,
        reason: String, clientIp: String, userAgent: String
    ) {
        self.requestId = requestId
        self.orgId = orgId
        self.environmentId = environmentId
        self.actor = actor
        self.target = target
        self.reason = reason
        self.clientIp = clientIp
        self.userAgent = userAgent
    }

    enum CodingKeys: String, CodingKey {
        case requestId = "requestId"
        case orgId = "orgId"
        case environmentId = "environmentId"
        case actor = "actor"
        case target = "target"
        case reason = "reason"
        case clientIp = "clientIp"
        case userAgent = "userAgent"
    }
}

extension InitiateSession {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        requestId = try container.id(.requestId)
        orgId = try container.id(.orgId)
        environmentId = try container.id(.environmentId)
        actor = try container.required(.actor)
        target = try container.required(.target)
        reason = try container.text(.reason, max: FieldRules.reasonMaxLength, controls: .allowed)
        clientIp = try container.ipAddress(.clientIp)
        userAgent = try container.text(.userAgent, max: FieldRules.userAgentMaxLength, controls: .refused)
    }

    public var partitionKey: String { environmentId }
    public var subject: String? { environmentId }
    public var correlationId: String? { requestId }
    public var asMessage: ConnectAsMessage { .initiateSession(self) }
}
