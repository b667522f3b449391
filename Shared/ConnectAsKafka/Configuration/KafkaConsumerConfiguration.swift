/// How a ``KafkaConsumer`` joins its group and where it starts reading.
///
/// Offsets are only ever committed by the application after it has processed a message (and by the consumer on
/// revoke and shutdown, for what the application marked processed): `enable.auto.commit` and
/// `enable.auto.offset.store` are always off and cannot be turned on through ``properties``.
public struct KafkaConsumerConfiguration: Sendable {
    /// Where a group with no committed offset for a partition starts (`auto.offset.reset`).
    public enum AutoOffsetReset: String, Sendable {
        case earliest
        case latest
        /// Fail instead of guessing.
        case error
    }

    /// How partitions move between members on a rebalance (`partition.assignment.strategy`).
    public enum RebalanceProtocol: Sendable {
        /// Every member gives up all its partitions, then receives a new set (`range,roundrobin`).
        case eager
        /// Only the partitions that move are revoked (`cooperative-sticky`).
        case cooperativeSticky

        var assignmentStrategy: String {
            switch self {
            case .eager: "range,roundrobin"
            case .cooperativeSticky: "cooperative-sticky"
            }
        }
    }

    /// `bootstrap.servers`: `host:port` of one or more brokers.
    public var bootstrapServers: [String]
    /// `client.id`, shown in broker logs and in this client's log lines.
    public var clientID: String
    /// `group.id`: members of one group share the topics' partitions.
    public var groupID: String
    /// The topics to subscribe to.
    public var topics: [String]
    /// `session.timeout.ms`: how long the group waits for a silent member before rebalancing without it. Also
    /// bounds how long a join takes on Tansu (about 23 s at librdkafka's 45 s default, 3 s at 6 s).
    public var sessionTimeout: Duration
    /// `max.poll.interval.ms`: the longest time the application may spend on one message before the member is
    /// considered stuck and leaves the group.
    public var maxPollInterval: Duration
    /// `auto.offset.reset`.
    public var autoOffsetReset: AutoOffsetReset
    public var rebalanceProtocol: RebalanceProtocol
    /// How long the startup probe waits for a broker before ``KafkaConsumer/connect(configuration:logger:)`` throws.
    public var connectTimeout: Duration
    /// How long ``KafkaConsumer/shutdown()`` waits for the message being processed before committing and leaving.
    public var shutdownGracePeriod: Duration
    /// Any other librdkafka property (CONFIGURATION.md), applied after the ones above.
    public var properties: [String: String]

    public init(
        bootstrapServers: [String], clientID: String = "connect-as", groupID: String, topics: [String],
        sessionTimeout: Duration = .seconds(45), maxPollInterval: Duration = .seconds(300),
        autoOffsetReset: AutoOffsetReset = .earliest, rebalanceProtocol: RebalanceProtocol = .eager,
        connectTimeout: Duration = .seconds(5), shutdownGracePeriod: Duration = .seconds(30),
        properties: [String: String] = [:]
    ) {
        self.bootstrapServers = bootstrapServers
        self.clientID = clientID
        self.groupID = groupID
        self.topics = topics
        self.sessionTimeout = sessionTimeout
        self.maxPollInterval = maxPollInterval
        self.autoOffsetReset = autoOffsetReset
        self.rebalanceProtocol = rebalanceProtocol
        self.connectTimeout = connectTimeout
        self.shutdownGracePeriod = shutdownGracePeriod
        self.properties = properties
    }

    var rdKafkaProperties: [String: String] {
        var result = KafkaClientProperties.common(bootstrapServers: bootstrapServers, clientID: clientID)
        let sessionMilliseconds = sessionTimeout.rdKafkaMilliseconds
        result["session.timeout.ms"] = String(sessionMilliseconds)
        // librdkafka refuses a heartbeat interval at or above the session timeout; a third of it is Kafka's advice.
        result["heartbeat.interval.ms"] = String(min(3000, max(1, sessionMilliseconds / 3)))
        result["max.poll.interval.ms"] = String(maxPollInterval.rdKafkaMilliseconds)
        result["auto.offset.reset"] = autoOffsetReset.rawValue
        result["partition.assignment.strategy"] = rebalanceProtocol.assignmentStrategy
        result.merge(properties) { _, extra in extra }
        result["group.id"] = groupID
        result["enable.auto.commit"] = "false"
        result["enable.auto.offset.store"] = "false"
        return result
    }
}
