/// The ``RevokeSession`` is done: the Odoo session is deleted. Also sent when it was already gone, since deleting a
/// deleted session is a success (the command is idempotent).
public struct RevokeAcknowledged: MessagePayload {
    public static let eventType = EventType("connectas.reply.RevokeAcknowledged", version: 1)
    public static let defaultTopic = DefaultTopic.replies

    public var requestId: String
    public var orgId: String
    public var environmentId: String
    public var sessionId: String

    public init(requestId: String, orgId: String, environmentId: String, sessionId: String) {
        self.requestId = requestId
        self.orgId = orgId
        self.environmentId = environmentId
        self.sessionId = sessionId
    }

    enum CodingKeys: String, CodingKey {
        case requestId = "requestId"
        case orgId = "orgId"
        case environmentId = "environmentId"
        case sessionId = "sessionId"
    }
}

extension RevokeAcknowledged {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        requestId = try container.identifier(.requestId)
        orgId = try container.identifier(.orgId)
        environmentId = try container.identifier(.environmentId)
        sessionId = try container.identifier(.sessionId)
    }

    public var partitionKey: String { requestId }
    public var subject: String? { sessionId }
    public var correlationId: String? { requestId }
    public var asMessage: ConnectAsMessage { .revokeAcknowledged(self) }
}
