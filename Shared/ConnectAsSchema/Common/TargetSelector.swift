/// The Odoo user a command asks for, before anyone has looked them up: by id or by login, exactly one.
///
/// On the wire an object with exactly one of `odooUserId` (integer) or `login` (string), so a producer in any language
/// writes `{"login": "sam"}` without a discriminator field.
public enum TargetSelector: Codable, Sendable, Hashable {
    case odooUserId(Int)
    case login(String)

    enum CodingKeys: String, CodingKey {
        case odooUserId = "odooUserId"
        case login = "login"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let id = try container.optionalInteger(.odooUserId, in: 1...Int.max)
        let login = try container.optionalIdentifier(.login)
        switch (id, login) {
        case (let id?, nil): self = .odooUserId(id)
        case (nil, let login?): self = .login(login)
        default:
            throw SchemaError.invalidValue(
                at: decoder.codingPath, expected: "exactly one of odooUserId, login",
                found: id == nil ? "neither" : "both", "the target must name the Odoo user one way")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .odooUserId(let id): try container.encode(id, forKey: .odooUserId)
        case .login(let login): try container.encode(login, forKey: .login)
        }
    }
}
