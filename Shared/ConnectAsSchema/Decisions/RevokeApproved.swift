/// policy-service approved a ``RevokeSession``: session-injector may delete the Odoo session at once,
/// with the environment snapshot to reach it. Whether the session exists and is active is the injector's to check,
/// as only it keeps sessions.
public struct RevokeApproved: MessagePayload {
    public static let eventType = EventType("connectas.event.RevokeApproved", version: 1)
    public static let defaultTopic = DefaultTopic.events

    public var requestId: String
    public var orgId: String
    public var environmentId: String
    public var sessionId: String
    public var actor: PlatformActor
    public var actorRole: Role
    public var reason: String?
    public var environment: EnvironmentSnapshot

    public init(
        requestId: String, orgId: String, environmentId: String, sessionId: String, actor: PlatformActor,
        actorRole: Role, reason: String? = nil, environment: EnvironmentSnapshot
    ) {
        self.requestId = requestId
        self.orgId = orgId
        self.environmentId = environmentId
        self.sessionId = sessionId
        self.actor = actor
        self.actorRole = actorRole
        self.reason = reason
        self.environment = environment
    }

    enum CodingKeys: String, CodingKey {
        case requestId = "requestId"
        case orgId = "orgId"
        case environmentId = "environmentId"
        case sessionId = "sessionId"
        case actor = "actor"
        case actorRole = "actorRole"
        case reason = "reason"
        case environment = "environment"
    }
}

extension RevokeApproved {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        requestId = try container.identifier(.requestId)
        orgId = try container.identifier(.orgId)
        environmentId = try container.identifier(.environmentId)
        sessionId = try container.identifier(.sessionId)
        actor = try container.required(.actor)
        actorRole = try container.required(.actorRole)
        reason = try container.optional(.reason)
        environment = try container.required(.environment)
    }

    public var partitionKey: String { environmentId }
    public var subject: String? { sessionId }
    public var correlationId: String? { requestId }
    public var asMessage: ConnectAsMessage { .revokeApproved(self) }
}
