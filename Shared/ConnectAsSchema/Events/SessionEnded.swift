/// The session is over and its Odoo session deleted, normally: its time ran out or someone ended it.
/// A forced end is ``SessionRevoked`` instead.
public struct SessionEnded: MessagePayload {
    public static let eventType = EventType("connectas.event.SessionEnded", version: 1)
    public static let defaultTopic = DefaultTopic.events

    /// The ``EndSession`` request for an ended-by-command session, the original ``InitiateSession`` request when the
    /// maximum duration passed.
    public var requestId: String
    public var orgId: String
    public var environmentId: String
    public var sessionId: String
    /// Who started the session.
    public var actor: PlatformActor
    public var target: ResolvedTarget
    public var endReason: EndReason
    /// Who sent the ``EndSession``; absent when the maximum duration passed.
    public var endedBy: PlatformActor?

    public init(
        requestId: String, orgId: String, environmentId: String, sessionId: String, actor: PlatformActor,
        target: ResolvedTarget, endReason: EndReason, endedBy: PlatformActor? = nil
    ) {
        self.requestId = requestId
        self.orgId = orgId
        self.environmentId = environmentId
        self.sessionId = sessionId
        self.actor = actor
        self.target = target
        self.endReason = endReason
        self.endedBy = endedBy
    }

    enum CodingKeys: String, CodingKey {
        case requestId = "requestId"
        case orgId = "orgId"
        case environmentId = "environmentId"
        case sessionId = "sessionId"
        case actor = "actor"
        case target = "target"
        case endReason = "endReason"
        case endedBy = "endedBy"
    }
}

extension SessionEnded {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        requestId = try container.identifier(.requestId)
        orgId = try container.identifier(.orgId)
        environmentId = try container.identifier(.environmentId)
        sessionId = try container.identifier(.sessionId)
        actor = try container.required(.actor)
        target = try container.required(.target)
        endReason = try container.required(.endReason)
        endedBy = try container.optional(.endedBy)
    }

    public var partitionKey: String { environmentId }
    public var subject: String? { sessionId }
    public var correlationId: String? { requestId }
    public var asMessage: ConnectAsMessage { .sessionEnded(self) }
}

/// Why a session ended normally.
public enum EndReason: String, SchemaEnum {
    /// The org's maximum session duration passed.
    case maxDuration = "max_duration"
    /// An ``EndSession`` command.
    case endCommand = "end_command"
}
