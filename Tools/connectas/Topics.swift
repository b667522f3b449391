import ArgumentParser
import ConnectAsKafka
import ConnectAsPlatform
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
        let specifications = SuiteTopics.specifications(prefix: connection.topicPrefix, partitions: Int32(partitions))
        try await admin.createTopics(specifications)
        for specification in specifications { print("topic \(specification.name)") }
    }
}
