/// How a ``KafkaProducer`` connects and delivers.
///
/// The producer is always idempotent with `acks=all`: the outbox relay depends on retries never duplicating or
/// reordering a message, so these two cannot be turned off through ``properties``.
public struct KafkaProducerConfiguration: Sendable {
    /// `bootstrap.servers`: `host:port` of one or more brokers.
    public var bootstrapServers: [String]
    /// `client.id`, shown in broker logs and in this client's log lines.
    public var clientID: String
    /// How long the startup probe waits for a broker before ``KafkaProducer/connect(configuration:logger:)`` throws.
    public var connectTimeout: Duration
    /// `delivery.timeout.ms`: how long librdkafka keeps retrying a message before reporting it failed.
    public var deliveryTimeout: Duration
    /// `linger.ms`: how long to wait for more messages to fill a batch.
    public var linger: Duration
    /// Any other librdkafka property (CONFIGURATION.md), applied after the ones above.
    public var properties: [String: String]

    public init(
        bootstrapServers: [String], clientID: String = "connect-as", connectTimeout: Duration = .seconds(5),
        deliveryTimeout: Duration = .seconds(120), linger: Duration = .milliseconds(5),
        properties: [String: String] = [:]
    ) {
        self.bootstrapServers = bootstrapServers
        self.clientID = clientID
        self.connectTimeout = connectTimeout
        self.deliveryTimeout = deliveryTimeout
        self.linger = linger
        self.properties = properties
    }

    var rdKafkaProperties: [String: String] {
        var result = KafkaClientProperties.common(bootstrapServers: bootstrapServers, clientID: clientID)
        result["delivery.timeout.ms"] = String(deliveryTimeout.rdKafkaMilliseconds)
        result["linger.ms"] = String(linger.rdKafkaMilliseconds)
        result.merge(properties) { _, extra in extra }
        result["enable.idempotence"] = "true"
        result["acks"] = "all"
        return result
    }
}
