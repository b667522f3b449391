/// The org's Connect As policy knobs.
public struct PolicySettings: Codable, Sendable, Hashable {
    /// Refuse Odoo administrators (`base.group_system`) as targets.
    public var protectAdministrators: Bool
    /// A session ends this long after its link is issued; the design's default is one hour.
    public var maxSessionDurationSeconds: Int

    public static let defaultMaxSessionDurationSeconds = 3600
    /// The longest session an org may configure (24 hours): checked where the org record is read, so that no
    /// later arithmetic or cast can fail after an Odoo session exists.
    public static let maxSessionDurationUpperBound = 86_400

    public init(protectAdministrators: Bool, maxSessionDurationSeconds: Int = Self.defaultMaxSessionDurationSeconds) {
        self.protectAdministrators = protectAdministrators
        self.maxSessionDurationSeconds = maxSessionDurationSeconds
    }

    enum CodingKeys: String, CodingKey {
        case protectAdministrators = "protectAdministrators"
        case maxSessionDurationSeconds = "maxSessionDurationSeconds"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        protectAdministrators = try container.required(.protectAdministrators)
        // Absent means the documented default, so a platform need not repeat it in every org record.
        maxSessionDurationSeconds =
            try container.optionalInteger(.maxSessionDurationSeconds, in: 1...Self.maxSessionDurationUpperBound)
            ?? Self.defaultMaxSessionDurationSeconds
    }
}
