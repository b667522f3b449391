/// notifier told the impersonated user about an event on one channel. Recorded so that a restarted or duplicated
/// notifier can see the notification was already delivered, and so the audit shows the user was told.
public struct NotificationSent: MessagePayload {
    public static let eventType = EventType("connectas.event.NotificationSent", version: 1)
    public static let defaultTopic = DefaultTopic.events

    public var requestId: String
    public var orgId: String
    public var environmentId: String
    public var sessionId: String
    public var channel: NotificationChannel
    public var language: NotificationLanguage
    public var recipient: ResolvedTarget
    /// The CloudEvents `id` of the event the notification is about: exactly one notification per (event, channel).
    public var notifiedEventId: String
    /// That event's `type`, e.g. `connectas.event.SessionRedeemed.v1`.
    public var notifiedEventType: String

    public init(
        requestId: String, orgId: String, environmentId: String, sessionId: String, channel: NotificationChannel,
        language: NotificationLanguage, recipient: ResolvedTarget, notifiedEventId: String, notifiedEventType: String
    ) {
        self.requestId = requestId
        self.orgId = orgId
        self.environmentId = environmentId
        self.sessionId = sessionId
        self.channel = channel
        self.language = language
        self.recipient = recipient
        self.notifiedEventId = notifiedEventId
        self.notifiedEventType = notifiedEventType
    }

    enum CodingKeys: String, CodingKey {
        case requestId = "requestId"
        case orgId = "orgId"
        case environmentId = "environmentId"
        case sessionId = "sessionId"
        case channel = "channel"
        case language = "language"
        case recipient = "recipient"
        case notifiedEventId = "notifiedEventId"
        case notifiedEventType = "notifiedEventType"
    }
}

extension NotificationSent {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        requestId = try container.identifier(.requestId)
        orgId = try container.identifier(.orgId)
        environmentId = try container.identifier(.environmentId)
        sessionId = try container.identifier(.sessionId)
        channel = try container.required(.channel)
        language = try container.required(.language)
        recipient = try container.required(.recipient)
        notifiedEventId = try container.identifier(.notifiedEventId)
        notifiedEventType = try container.identifier(.notifiedEventType)
    }

    public var partitionKey: String { environmentId }
    public var subject: String? { sessionId }
    public var correlationId: String? { requestId }
    public var asMessage: ConnectAsMessage { .notificationSent(self) }
}
