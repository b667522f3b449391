/// A message read from a topic whose type was not known in advance: its envelope attributes and its typed payload.
public struct DecodedEvent: Sendable, Equatable {
    public var attributes: EnvelopeAttributes
    public var message: ConnectAsMessage

    public init(attributes: EnvelopeAttributes, message: ConnectAsMessage) {
        self.attributes = attributes
        self.message = message
    }

    public init<Payload>(_ event: CloudEvent<Payload>) {
        self.init(attributes: event.attributes, message: event.data.asMessage)
    }

    public var type: EventType { message.eventType }
}
