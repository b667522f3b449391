/// The Odoo user a session is for, as the injector found them in the environment's database.
///
/// Carried in every session event so that each audit line and SIEM record reads "actor as login (display name)" on
/// its own. `email` is what the notifier writes to; it is absent when the Odoo user has none.
public struct ResolvedTarget: Codable, Sendable, Hashable {
    public var odooUserId: Int
    public var login: String
    public var displayName: String
    public var email: String?

    public init(odooUserId: Int, login: String, displayName: String, email: String? = nil) {
        self.odooUserId = odooUserId
        self.login = login
        self.displayName = displayName
        self.email = email
    }

    enum CodingKeys: String, CodingKey {
        case odooUserId = "odooUserId"
        case login = "login"
        case displayName = "displayName"
        case email = "email"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        odooUserId = try container.integer(.odooUserId, in: 1...Int.max)
        login = try container.identifier(.login)
        displayName = try container.required(.displayName)
        email = try container.optionalIdentifier(.email)
    }
}
