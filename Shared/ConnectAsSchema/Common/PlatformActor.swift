/// A platform user acting through the suite: the support engineer who connects, ends or revokes.
///
/// Named `PlatformActor` because `Actor` is Swift's own protocol. The e-mail is carried so that the injector can refuse
/// a target whose Odoo account belongs to the actor, and so that an audit line reads on its own.
public struct PlatformActor: Codable, Sendable, Hashable {
    public var platformUserId: String
    public var email: String

    public init(platformUserId: String, email: String) {
        self.platformUserId = platformUserId
        self.email = email
    }

    enum CodingKeys: String, CodingKey {
        case platformUserId = "platformUserId"
        case email = "email"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        platformUserId = try container.id(.platformUserId)
        email = try container.email(.email)
    }
}
