/// policy-service has stored a platform-state record: a command published after this reply arrived is decided on
/// that record or a later one. The platform waits for it (by the state record's event id, the reply's
/// `correlationid`) before sending a command that needs new state, e.g. the first initiation on a new environment.
///
/// Sent once per state record policy-service stores, whichever replica stored it; not for tombstones (they have no
/// event id) and not for a record that was dead-lettered (the dead letter names its position instead).
public struct StateApplied: MessagePayload {
    public static let eventType = EventType("connectas.reply.StateApplied", version: 1)
    public static let defaultTopic = DefaultTopic.replies

    /// The CloudEvents `id` of the state record.
    public var stateEventId: String
    /// The state record's CloudEvents `type`, e.g. `platform.environment.v1`.
    public var stateType: String
    /// The state record's key: an org id, `<orgId>/<platformUserId>`, or an environment id.
    public var stateKey: String

    public init(stateEventId: String, stateType: String, stateKey: String) {
        self.stateEventId = stateEventId
        self.stateType = stateType
        self.stateKey = stateKey
    }

    enum CodingKeys: String, CodingKey {
        case stateEventId = "stateEventId"
        case stateType = "stateType"
        case stateKey = "stateKey"
    }
}

extension StateApplied {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        stateEventId = try container.identifier(.stateEventId)
        stateType = try container.identifier(.stateType)
        stateKey = try container.identifier(.stateKey)
    }

    public var partitionKey: String { stateEventId }
    public var subject: String? { stateKey }
    public var correlationId: String? { stateEventId }
    public var asMessage: ConnectAsMessage { .stateApplied(self) }
}
