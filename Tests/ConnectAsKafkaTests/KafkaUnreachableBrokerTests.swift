import ConnectAsKafka
import Testing

/// Nothing listens on port 1: every client must say so quickly instead of retrying silently.
@Suite("a broker that is not there")
struct KafkaUnreachableBrokerTests {
    static let nowhere = ["127.0.0.1:1"]
    static let connectTimeout = Duration.seconds(2)
    /// Far above the connect timeout: it shows the client gives up instead of retrying for ever (librdkafka's
    /// own behaviour), without timing a noisy, loaded machine.
    static let limit = Duration.seconds(60)

    func expectUnreachable(_ connect: @escaping @Sendable () async throws -> Void) async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let error = try await #require(throws: KafkaError.self) {
            try await withTimeLimit(Self.limit, "connecting to 127.0.0.1:1") { try await connect() }
        }
        let elapsed = clock.now - start
        #expect(error.code == .brokerUnreachable)
        #expect(error.message.contains("no Kafka broker reachable at 127.0.0.1:1"))
        #expect(error.message.contains("Connection refused"))
        #expect(error.isRetriable)
        #expect(elapsed < Self.limit)
    }

    @Test("the producer fails fast with a clear error")
    func producer() async throws {
        try await expectUnreachable {
            _ = try await KafkaProducer.connect(
                configuration: KafkaProducerConfiguration(
                    bootstrapServers: Self.nowhere, connectTimeout: Self.connectTimeout),
                logger: KafkaTestEnvironment.logger)
        }
    }

    @Test("the consumer fails fast with a clear error")
    func consumer() async throws {
        try await expectUnreachable {
            _ = try await KafkaConsumer.connect(
                configuration: KafkaConsumerConfiguration(
                    bootstrapServers: Self.nowhere, groupID: "nowhere", topics: ["nowhere"],
                    connectTimeout: Self.connectTimeout),
                logger: KafkaTestEnvironment.logger)
        }
    }

    @Test("the admin client fails fast with a clear error")
    func admin() async throws {
        try await expectUnreachable {
            _ = try await KafkaAdmin.connect(
                configuration: KafkaAdminConfiguration(
                    bootstrapServers: Self.nowhere, connectTimeout: Self.connectTimeout),
                logger: KafkaTestEnvironment.logger)
        }
    }
}
