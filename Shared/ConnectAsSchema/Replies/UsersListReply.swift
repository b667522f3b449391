/// The answer to ``ListUsers``: the environment's active internal Odoo users, superuser excluded.
public struct UsersListReply: MessagePayload {
    public static let eventType = EventType("connectas.reply.UsersList", version: 1)
    public static let defaultTopic = DefaultTopic.replies

    public var requestId: String
    public var orgId: String
    public var environmentId: String
    public var users: [OdooUser]

    public init(requestId: String, orgId: String, environmentId: String, users: [OdooUser]) {
        self.requestId = requestId
        self.orgId = orgId
        self.environmentId = environmentId
        self.users = users
    }

    enum CodingKeys: String, CodingKey {
        case requestId = "requestId"
        case orgId = "orgId"
        case environmentId = "environmentId"
        case users = "users"
    }
}

extension UsersListReply {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        requestId = try container.identifier(.requestId)
        orgId = try container.identifier(.orgId)
        environmentId = try container.identifier(.environmentId)
        users = try container.required(.users)
    }

    public var partitionKey: String { requestId }
    public var subject: String? { environmentId }
    public var correlationId: String? { requestId }
    public var asMessage: ConnectAsMessage { .usersListReply(self) }
}
