import ArgumentParser
import ConnectAsKafka
import ConnectAsSchema

/// Creates the suite's topics: what an operator runs once per cluster (brokers should not auto-create them).
struct Topics: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create the suite's topics (idempotent).")

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Partitions of each topic.") var partitions = 6

    func run() async throws {
        let admin = try await KafkaAdmin.connect(
            configuration: KafkaAdminConfiguration(bootstrapServers: connection.bootstrapServers),
            logger: connection.logger)
        let compacted = ["cleanup.policy": "compact"]
        let specifications = [
            (DefaultTopic.commands, [:]), (DefaultTopic.events, [:]), (DefaultTopic.replies, [:]),
            (DefaultTopic.deadLetters, [:]), (DefaultTopic.orgs, compacted), (DefaultTopic.members, compacted),
            (DefaultTopic.environments, compacted),
        ].map { KafkaTopicSpecification(name: connection.topic($0.0), partitions: Int32(partitions), config: $0.1) }
        try await admin.createTopics(specifications)
        for specification in specifications { print("topic \(specification.name)") }
    }
}
