/// Logger metadata keys set by the Kafka client, in one place so log queries can rely on them.
enum KafkaLoggingKeys {
    /// librdkafka's name of the client instance (`rdkafka#producer-1`), set once per client.
    static let client = "kafka.client"
    /// librdkafka's log facility (`FAIL`, `CGRPJOINSTATE`, …) on lines librdkafka itself wrote.
    static let facility = "kafka.facility"
    static let topic = "kafka.topic"
    static let partitions = "kafka.partitions"
    static let group = "kafka.group"
    static let error = "kafka.error"
}
