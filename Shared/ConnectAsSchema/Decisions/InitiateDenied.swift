/// An ``InitiateSession`` was refused. Repeats the request so the audit records who asked for whom and why even
/// though no session exists.
///
/// Usually emitted by policy-service; session-injector emits it too for the target rules only it can check (see
/// ``InitiateApproved``), and then `sessionId` names the session that was approved and did not go ahead.
public struct InitiateDenied: MessagePayload {
    public static let eventType = EventType("connectas.event.InitiateDenied", version: 1)
    public static let defaultTopic = DefaultTopic.events

    public var requestId: String
    public var orgId: String
    public var environmentId: String
    public var actor: PlatformActor
    public var target: TargetSelector
    public var reason: String
    public var clientIp: String
    public var userAgent: String
    public var sessionId: String?
    public var code: DenialCode
    public var message: String
    /// For rate-limit denials: when trying again can succeed.
    public var retryAfterSeconds: Int?

    public init(
        requestId: String, orgId: String, environmentId: String, actor: PlatformActor, target: TargetSelector,
        reason: String, clientIp: String, userAgent: String, sessionId: String? = nil, code: DenialCode,
        message: String, retryAfterSeconds: Int? = nil
    ) {
        self.requestId = requestId
        self.orgId = orgId
        self.environmentId = environmentId
        self.actor = actor
        self.target = target
        self.reason = reason
        self.clientIp = clientIp
        self.userAgent = userAgent
        self.sessionId = sessionId
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    enum CodingKeys: String, CodingKey {
        case requestId = "requestId"
        case orgId = "orgId"
        case environmentId = "environmentId"
        case actor = "actor"
        case target = "target"
        case reason = "reason"
        case clientIp = "clientIp"
        case userAgent = "userAgent"
        case sessionId = "sessionId"
        case code = "code"
        case message = "message"
        case retryAfterSeconds = "retryAfterSeconds"
    }
}

extension InitiateDenied {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        requestId = try container.identifier(.requestId)
        orgId = try container.identifier(.orgId)
        environmentId = try container.identifier(.environmentId)
        actor = try container.required(.actor)
        target = try container.required(.target)
        reason = try container.required(.reason)
        clientIp = try container.identifier(.clientIp)
        userAgent = try container.required(.userAgent)
        sessionId = try container.optionalIdentifier(.sessionId)
        code = try container.required(.code)
        message = try container.required(.message)
        retryAfterSeconds = try container.optionalInteger(.retryAfterSeconds, in: 0...Int.max)
    }

    public var partitionKey: String { environmentId }
    public var subject: String? { sessionId ?? environmentId }
    public var correlationId: String? { requestId }
    public var asMessage: ConnectAsMessage { .initiateDenied(self) }
}
