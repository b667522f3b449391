/// The Odoo user a session is for, as the injector found them in the environment's database.
///
/// Carried in every session event so that each audit line and SIEM record reads "actor as login (display name)" on
/// its own. `email` is what the notifier writes to; it is absent when the Odoo user has none.
public struct ResolvedTarget: Codable, Sendable, Hashable {
    public var odooUserId: Int
    public var login: String
    public var displayName: String
    public var email: String?
    /// The user's own Odoo language (`es_ES`), which notifier writes in when it has a template for it; absent when
    /// Odoo has none set or an older injector did not report it.
    public var language: String?

    public init(odooUserId: Int, login: String, displayName: String, email: String? = nil, language: String? = nil) {
        self.odooUserId = odooUserId
        self.login = login
        self.displayName = displayName
        self.email = email
        self.language = language
    }

    enum CodingKeys: String, CodingKey {
        case odooUserId = "odooUserId"
        case login = "login"
        case displayName = "displayName"
        case email = "email"
        case language = "language"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        odooUserId = try container.integer(.odooUserId, in: 1...Int.max)
        login = try container.identifier(.login)
        displayName = try container.required(.displayName)
        email = try container.optionalIdentifier(.email)
        language = try container.optionalIdentifier(.language)
    }
}
