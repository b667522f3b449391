/// policy-service approved a ``ListUsers``: session-injector may read the environment's users through the snapshot.
public struct ListUsersApproved: MessagePayload {
    public static let eventType = EventType("connectas.event.ListUsersApproved", version: 1)
    public static let defaultTopic = DefaultTopic.events

    public var requestId: String
    public var orgId: String
    public var environmentId: String
    public var actor: PlatformActor
    public var actorRole: Role
    public var search: String?
    public var environment: EnvironmentSnapshot

    public init(
        requestId: String, orgId: String, environmentId: String, actor: PlatformActor, actorRole: Role,
        search: String? = nil, environment: EnvironmentSnapshot
    ) {
        self.requestId = requestId
        self.orgId = orgId
        self.environmentId = environmentId
        self.actor = actor
        self.actorRole = actorRole
        self.search = search
        self.environment = environment
    }

    enum CodingKeys: String, CodingKey {
        case requestId = "requestId"
        case orgId = "orgId"
        case environmentId = "environmentId"
        case actor = "actor"
        case actorRole = "actorRole"
        case search = "search"
        case environment = "environment"
    }
}

extension ListUsersApproved {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        requestId = try container.identifier(.requestId)
        orgId = try container.identifier(.orgId)
        environmentId = try container.identifier(.environmentId)
        actor = try container.required(.actor)
        actorRole = try container.required(.actorRole)
        search = try container.optional(.search)
        environment = try container.required(.environment)
    }

    public var partitionKey: String { environmentId }
    public var subject: String? { environmentId }
    public var correlationId: String? { requestId }
    public var asMessage: ConnectAsMessage { .listUsersApproved(self) }
}
