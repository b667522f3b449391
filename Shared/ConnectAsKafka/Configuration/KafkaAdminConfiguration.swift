/// How a ``KafkaAdmin`` connects.
public struct KafkaAdminConfiguration: Sendable {
    /// `bootstrap.servers`: `host:port` of one or more brokers.
    public var bootstrapServers: [String]
    /// `client.id`, shown in broker logs and in this client's log lines.
    public var clientID: String
    /// How long the startup probe waits for a broker before ``KafkaAdmin/connect(configuration:logger:)`` throws.
    public var connectTimeout: Duration
    /// How long one admin request (create or delete topics) may take.
    public var requestTimeout: Duration
    /// Any other librdkafka property (CONFIGURATION.md), applied after the ones above.
    public var properties: [String: String]

    public init(
        bootstrapServers: [String], clientID: String = "connect-as-admin", connectTimeout: Duration = .seconds(5),
        requestTimeout: Duration = .seconds(30), properties: [String: String] = [:]
    ) {
        self.bootstrapServers = bootstrapServers
        self.clientID = clientID
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.properties = properties
    }

    var rdKafkaProperties: [String: String] {
        var result = KafkaClientProperties.common(bootstrapServers: bootstrapServers, clientID: clientID)
        // A producer handle (what admin requests run on) asks brokers to create any topic whose metadata it reads;
        // looking at a topic must not create it.
        result["allow.auto.create.topics"] = "false"
        result.merge(properties) { _, extra in extra }
        return result
    }
}
