import Logging

/// Creates and deletes topics.
public final class KafkaAdmin: Sendable {
    private let client: RDKafkaClient
    private let requestTimeout: Duration

    private init(client: RDKafkaClient, requestTimeout: Duration) {
        self.client = client
        self.requestTimeout = requestTimeout
    }

    /// Creates the admin client and checks that a broker answers.
    ///
    /// - Throws: ``KafkaError`` `.unsupportedLibrary`, `.configuration`, or `.brokerUnreachable`.
    public static func connect(configuration: KafkaAdminConfiguration, logger: Logger) async throws -> KafkaAdmin {
        try KafkaLibrary.requireSupportedVersion()
        // Admin requests answer on a queue of their own, so client errors are left to librdkafka's log.
        let events = RDKafkaEvents(logger: logger, servesErrors: false)
        let client = try await RDKafkaClient.make(
            kind: .producer, properties: configuration.rdKafkaProperties, events: events)
        try await client.queue.run { try client.probeBroker(timeout: configuration.connectTimeout) }
        return KafkaAdmin(client: client, requestTimeout: configuration.requestTimeout)
    }

    /// Creates the topics that do not exist yet; existing ones are left as they are.
    public func createTopics(_ topics: [KafkaTopicSpecification]) async throws {
        guard !topics.isEmpty else { return }
        for topic in topics { try topic.validate() }
        let client = client
        let timeout = requestTimeout
        try await client.queue.run { try client.createTopics(topics, timeout: timeout) }
    }

    /// Creates one topic unless it exists.
    public func createTopic(
        _ name: String, partitions: Int32, replicationFactor: Int16 = 1, config: [String: String] = [:]
    ) async throws {
        try await createTopics([
            KafkaTopicSpecification(
                name: name, partitions: partitions, replicationFactor: replicationFactor, config: config)
        ])
    }

    /// Deletes the topics that exist; missing ones are not an error.
    public func deleteTopics(_ names: [String]) async throws {
        guard !names.isEmpty else { return }
        let client = client
        let timeout = requestTimeout
        try await client.queue.run { try client.deleteTopics(names, timeout: timeout) }
    }

    /// The topic's partition count, or nil when the broker does not know the topic.
    public func partitionCount(of topic: String) async throws -> Int? {
        let client = client
        let timeout = requestTimeout
        return try await client.queue.run { try client.partitionCount(topic: topic, timeout: timeout) }
    }
}
