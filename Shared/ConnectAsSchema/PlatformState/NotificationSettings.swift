/// How an org wants the impersonated user told: which channels, in which language.
public struct NotificationSettings: Codable, Sendable, Hashable {
    /// Empty means the org has turned notifications off. Kept as an array, not a set, so encoding is stable.
    public var channels: [NotificationChannel]
    public var language: NotificationLanguage

    public init(channels: [NotificationChannel], language: NotificationLanguage) {
        self.channels = channels
        self.language = language
    }

    enum CodingKeys: String, CodingKey {
        case channels = "channels"
        case language = "language"
    }
}

public enum NotificationChannel: String, SchemaEnum {
    /// SMTP to the Odoo user's e-mail address.
    case email = "email"
    /// An Odoo Discuss inbox notification.
    case bell = "bell"
}

public enum NotificationLanguage: String, SchemaEnum {
    case english = "en"
    case spanish = "es"
}
