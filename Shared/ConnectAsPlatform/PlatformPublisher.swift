import ConnectAsKafka
import ConnectAsSchema
import Foundation

/// Publishes payloads as the platform does: in a CloudEvents envelope, on the payload's topic (behind an optional
/// prefix), keyed as the contract says.
public struct PlatformPublisher: Sendable {
    public let producer: KafkaProducer
    public let topicPrefix: String
    public let source: String

    public init(producer: KafkaProducer, topicPrefix: String = "", source: String = "/platform/connectas-cli") {
        self.producer = producer
        self.topicPrefix = topicPrefix
        self.source = source
    }

    @discardableResult
    public func publish<Payload: MessagePayload>(_ payload: Payload) async throws -> CloudEvent<Payload> {
        let event = CloudEvent(payload, source: source)
        try await producer.send(
            topic: topicPrefix + Payload.defaultTopic, key: Array(payload.partitionKey.utf8),
            value: Array(try EventCodec.encode(event)))
        return event
    }

    /// Deletes a compacted record: a tombstone under its key.
    public func delete(topic: String, key: String) async throws {
        try await producer.send(topic: topicPrefix + topic, key: Array(key.utf8), value: nil)
    }
}
