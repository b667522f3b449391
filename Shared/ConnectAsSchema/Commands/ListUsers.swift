/// The platform asks for the environment's active Odoo users, for the picker. Needs `env.impersonation.list_users`.
public struct ListUsers: MessagePayload {
    public static let eventType = EventType("connectas.command.ListUsers", version: 1)
    public static let defaultTopic = DefaultTopic.commands

    public var requestId: String
    public var orgId: String
    public var environmentId: String
    public var actor: PlatformActor
    /// Matched against login and display name; absent lists everyone.
    public var search: String?

    public init(requestId: String, orgId: String, environmentId: String, actor: PlatformActor, search: String? = nil) {
        self.requestId = requestId
        self.orgId = orgId
        self.environmentId = environmentId
        self.actor = actor
        self.search = search
    }

    enum CodingKeys: String, CodingKey {
        case requestId = "requestId"
        case orgId = "orgId"
        case environmentId = "environmentId"
        case actor = "actor"
        case search = "search"
    }
}

extension ListUsers {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        requestId = try container.id(.requestId)
        orgId = try container.id(.orgId)
        environmentId = try container.id(.environmentId)
        actor = try container.required(.actor)
        search = try container.optionalText(.search, max: FieldRules.searchMaxLength, controls: .refused)
    }

    public var partitionKey: String { environmentId }
    public var subject: String? { environmentId }
    public var correlationId: String? { requestId }
    public var asMessage: ConnectAsMessage { .listUsers(self) }
}
