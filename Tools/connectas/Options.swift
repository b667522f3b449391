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

    @Option(help: "fetch.wait.max.ms of the CLI's consumers (default: CONNECTAS_KAFKA_FETCH_WAIT_MS, as the services).")
    var fetchWaitMs: Int?

    var bootstrapServers: [String] { brokers.split(separator: ",").map(String.init) }

    var consumerProperties: [String: String] {
        let wait = fetchWaitMs ?? ProcessInfo.processInfo.environment["CONNECTAS_KAFKA_FETCH_WAIT_MS"].flatMap { Int($0) }
        return wait.map { ["fetch.wait.max.ms": "\($0)"] } ?? [:]
    }

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
