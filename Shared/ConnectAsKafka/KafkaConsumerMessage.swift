import Foundation

/// A message read from a subscribed topic, copied out of librdkafka's buffer.
public struct KafkaConsumerMessage: Hashable, Sendable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    /// `nil` when the producer sent no key.
    public var key: [UInt8]?
    /// `nil` for a tombstone (a compacted topic's delete marker).
    public var value: [UInt8]?
    public var headers: [KafkaHeader]
    /// The producer's create time or the broker's log-append time, whichever the topic keeps.
    public var timestamp: Date?

    public init(
        topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader] = [],
        timestamp: Date? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
    }

    public var topicPartition: KafkaTopicPartition { KafkaTopicPartition(topic: topic, partition: partition) }

    /// The key as UTF-8 text, when there is one and it is valid UTF-8.
    public var keyString: String? { key.flatMap { String(validating: $0, as: UTF8.self) } }
    /// The value as UTF-8 text, when there is one and it is valid UTF-8.
    public var valueString: String? { value.flatMap { String(validating: $0, as: UTF8.self) } }

    /// The values of the headers named `name`, in order.
    public func headerValues(_ name: String) -> [[UInt8]?] {
        headers.filter { $0.name == name }.map(\.value)
    }
}
