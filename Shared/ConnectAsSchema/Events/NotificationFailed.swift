/// notifier gave up telling the impersonated user about an event on one channel: the last attempt failed, or the
/// failure was one that no retry mends (an unknown address, Odoo without Discuss). The notified record also goes to
/// the dead-letter topic, where an operator can replay it once the cause is fixed.
public struct NotificationFailed: MessagePayload {
    public static let eventType = EventType("connectas.event.NotificationFailed", version: 1)
    public static let defaultTopic = DefaultTopic.events

    public var requestId: String
    public var orgId: String
    public var environmentId: String
    public var sessionId: String
    public var channel: NotificationChannel
    public var language: NotificationLanguage
    public var recipient: ResolvedTarget
    /// The CloudEvents `id` of the event the notification was about.
    public var notifiedEventId: String
    public var notifiedEventType: String
    /// How many times it was tried; 0 when it could not be (no e-mail address for the user, no environment to ring
    /// the bell in).
    public var attempts: Int
    /// Why the last attempt failed, as the SMTP server or the Odoo script said it.
    public var reason: String

    public init(
        requestId: String, orgId: String, environmentId: String, sessionId: String, channel: NotificationChannel,
        language: NotificationLanguage, recipient: ResolvedTarget, notifiedEventId: String, notifiedEventType: String,
        attempts: Int, reason: String
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
        self.attempts = attempts
        self.reason = String(reason.prefix(DeadLetter.maxReasonCharacters))
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
        case attempts = "attempts"
        case reason = "reason"
    }
}

extension NotificationFailed {
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
        attempts = try container.integer(.attempts, in: 0...Int.max)
        reason = try container.required(.reason)
    }

    public var partitionKey: String { environmentId }
    public var subject: String? { sessionId }
    public var correlationId: String? { requestId }
    public var asMessage: ConnectAsMessage { .notificationFailed(self) }
}
