/// policy-service approved an ``InitiateSession``. It carries everything session-injector needs to act, copied from
/// the command and from platform state at decision time, so the injector never consults platform state and a later
/// state change cannot alter what was approved.
///
/// The target checks that need Odoo's data (active user, protected administrator, actor's own account) cannot be made
/// by policy-service, which has no access to Odoo; it hands the org's rule (`protectAdministrators`) and the actor's
/// e-mail to the injector, which makes them when it resolves the target and answers with ``InitiateDenied``.
public struct InitiateApproved: MessagePayload {
    public static let eventType = EventType("connectas.event.InitiateApproved", version: 1)
    public static let defaultTopic = DefaultTopic.events

    public var requestId: String
    public var orgId: String
    public var environmentId: String
    /// Assigned by policy-service; every later event of the session carries it.
    public var sessionId: String
    public var actor: PlatformActor
    /// The actor's role when the decision was made, for the audit.
    public var actorRole: Role
    public var target: TargetSelector
    public var reason: String
    public var clientIp: String
    public var userAgent: String
    public var maxSessionDurationSeconds: Int
    public var protectAdministrators: Bool
    public var environment: EnvironmentSnapshot
    public var notifications: NotificationSettings

    public init(
        requestId: String, orgId: String, environmentId: String, sessionId: String, actor: PlatformActor,
        actorRole: Role, target: TargetSelector, reason: String, clientIp: String, userAgent: String,
        maxSessionDurationSeconds: Int, protectAdministrators: Bool, environment: EnvironmentSnapshot,
        notifications: NotificationSettings
    ) {
        self.requestId = requestId
        self.orgId = orgId
        self.environmentId = environmentId
        self.sessionId = sessionId
        self.actor = actor
        self.actorRole = actorRole
        self.target = target
        self.reason = reason
        self.clientIp = clientIp
        self.userAgent = userAgent
        self.maxSessionDurationSeconds = maxSessionDurationSeconds
        self.protectAdministrators = protectAdministrators
        self.environment = environment
        self.notifications = notifications
    }

    enum CodingKeys: String, CodingKey {
        case requestId = "requestId"
        case orgId = "orgId"
        case environmentId = "environmentId"
        case sessionId = "sessionId"
        case actor = "actor"
        case actorRole = "actorRole"
        case target = "target"
        case reason = "reason"
        case clientIp = "clientIp"
        case userAgent = "userAgent"
        case maxSessionDurationSeconds = "maxSessionDurationSeconds"
        case protectAdministrators = "protectAdministrators"
        case environment = "environment"
        case notifications = "notifications"
    }
}

extension InitiateApproved {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        requestId = try container.identifier(.requestId)
        orgId = try container.identifier(.orgId)
        environmentId = try container.identifier(.environmentId)
        sessionId = try container.identifier(.sessionId)
        actor = try container.required(.actor)
        actorRole = try container.required(.actorRole)
        target = try container.required(.target)
        reason = try container.required(.reason)
        clientIp = try container.identifier(.clientIp)
        userAgent = try container.required(.userAgent)
        maxSessionDurationSeconds = try container.integer(.maxSessionDurationSeconds, in: 1...Int.max)
        protectAdministrators = try container.required(.protectAdministrators)
        environment = try container.required(.environment)
        notifications = try container.required(.notifications)
    }

    public var partitionKey: String { environmentId }
    public var subject: String? { sessionId }
    public var correlationId: String? { requestId }
    public var asMessage: ConnectAsMessage { .initiateApproved(self) }
}
