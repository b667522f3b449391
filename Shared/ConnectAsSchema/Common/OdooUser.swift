/// One entry of the user picker: an active internal Odoo user of the environment.
public struct OdooUser: Codable, Sendable, Hashable {
    public var id: Int
    public var login: String
    public var displayName: String
    /// Member of `base.group_system`; the picker marks them because an org may protect them.
    public var isAdministrator: Bool

    public init(id: Int, login: String, displayName: String, isAdministrator: Bool) {
        self.id = id
        self.login = login
        self.displayName = displayName
        self.isAdministrator = isAdministrator
    }

    enum CodingKeys: String, CodingKey {
        case id = "id"
        case login = "login"
        case displayName = "displayName"
        case isAdministrator = "isAdministrator"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.integer(.id, in: 1...Int.max)
        login = try container.identifier(.login)
        displayName = try container.required(.displayName)
        isAdministrator = try container.required(.isAdministrator)
    }
}
