import ArgumentParser
import ConnectAsKafka
import Foundation
import Logging

/// Where the suite is: the same variables the services read, so `source .stack/env` configures both.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "Kafka bootstrap servers (host:port,…).")
    var brokers = ProcessInfo.processInfo.environment["CONNECTAS_KAFKA_BROKERS"] ?? "127.0.0.1:9092"

    @Option(help: "Prefix of every topic name, as the services' CONNECTAS_TOPICS_PREFIX (empty for the defaults).")
    var topicPrefix = ProcessInfo.processInfo.environment["CONNECTAS_TOPICS_PREFIX"] ?? ""

    var bootstrapServers: [String] { brokers.split(separator: ",").map(String.init) }

    func topic(_ name: String) -> String { topicPrefix + name }

    var logger: Logger {
        var logger = Logger(label: "connectas")
        logger.logLevel = .warning
        return logger
    }

    func producer() async throws -> KafkaProducer {
        try await KafkaProducer.connect(
            configuration: KafkaProducerConfiguration(bootstrapServers: bootstrapServers, clientID: "connectas-cli"),
            logger: logger)
    }
}
