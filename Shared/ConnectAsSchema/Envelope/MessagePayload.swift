/// The `data` of one kind of message: what it is called on the wire, where it goes, and how it is keyed.
public protocol MessagePayload: Codable, Sendable, Equatable {
    /// The envelope's `type` for this payload.
    static var eventType: EventType { get }
    /// The topic it is published to unless an operator renames it.
    static var defaultTopic: String { get }
    /// The Kafka record key: the environment id wherever an environment is involved, so that one environment's
    /// messages stay in order on one partition; the request id for replies, as the platform reads them by request.
    var partitionKey: String { get }
    /// What the envelope's `subject` is set to by ``CloudEvent/init(_:source:id:time:)``.
    var subject: String? { get }
    /// What the envelope's `correlationid` is set to: the request id of the command the message belongs to.
    var correlationId: String? { get }
    /// The payload as a case of the closed set of messages, for code that handles any of them.
    var asMessage: ConnectAsMessage { get }
}

extension MessagePayload {
    public var subject: String? { nil }
    public var correlationId: String? { nil }
}
