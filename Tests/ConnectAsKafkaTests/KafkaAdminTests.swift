import ConnectAsKafka
import TestSupport
import Testing

@Suite("topic admin against the broker")
struct KafkaAdminTests {
    @Test("creating a topic is idempotent, takes a config, and deleting it is too")
    func createAndDelete() async throws {
        let admin = try await KafkaAdmin.connect(
            configuration: KafkaAdminConfiguration(bootstrapServers: try KafkaTestEnvironment.brokers()),
            logger: KafkaTestEnvironment.logger)
        let topic = StackEnvironment.uniqueName("test.kafka.compacted")
        try await admin.createTopic(topic, partitions: 3, config: ["cleanup.policy": "compact"])
        try await admin.createTopic(topic, partitions: 3, config: ["cleanup.policy": "compact"])
        #expect(try await admin.partitionCount(of: topic) == 3)

        try await admin.deleteTopics([topic])
        try await admin.deleteTopics([topic])
        #expect(try await admin.partitionCount(of: topic) == nil, "reading metadata does not create the topic again")
    }

    @Test("topics Apache Kafka would refuse are refused here too, although Tansu accepts them")
    func invalidTopics() async throws {
        let admin = try await KafkaAdmin.connect(
            configuration: KafkaAdminConfiguration(bootstrapServers: try KafkaTestEnvironment.brokers()),
            logger: KafkaTestEnvironment.logger)
        let name = StackEnvironment.uniqueName("test.kafka.invalid")
        for (topic, partitions, replication) in [(name, Int32(0), Int16(1)), ("bad name!", 1, 1), (name, 1, 0)] {
            let error = try await #require(throws: KafkaError.self) {
                try await admin.createTopic(topic, partitions: partitions, replicationFactor: replication)
            }
            #expect(error.code == .admin)
        }
        #expect(try await admin.partitionCount(of: name) == nil)
    }
}
