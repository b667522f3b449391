/// One membership as the platform publishes it on the compacted `platform.members` topic, keyed
/// `<orgId>/<platformUserId>`; a tombstone for that key means the user left the org.
public struct MemberState: MessagePayload {
    public static let eventType = EventType("platform.member", version: 1)
    public static let defaultTopic = DefaultTopic.members

    public var orgId: String
    public var platformUserId: String
    public var email: String
    public var role: Role

    public init(orgId: String, platformUserId: String, email: String, role: Role) {
        self.orgId = orgId
        self.platformUserId = platformUserId
        self.email = email
        self.role = role
    }

    enum CodingKeys: String, CodingKey {
        case orgId = "orgId"
        case platformUserId = "platformUserId"
        case email = "email"
        case role = "role"
    }
}

extension MemberState {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        orgId = try container.id(.orgId)
        platformUserId = try container.id(.platformUserId)
        email = try container.email(.email)
        role = try container.required(.role)
    }

    public var partitionKey: String { "\(orgId)/\(platformUserId)" }
    public var subject: String? { platformUserId }
    public var asMessage: ConnectAsMessage { .memberState(self) }
}
