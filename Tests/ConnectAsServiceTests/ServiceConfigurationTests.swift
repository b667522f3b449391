import Foundation
import Configuration
import Testing

@testable import ConnectAsService

@Suite struct ServiceConfigurationTests {
    let valid: [String: String] = [
        "CONNECTAS_KAFKA_BROKERS": "127.0.0.1:9092, 127.0.0.2:9093",
        "CONNECTAS_PG_URL": "postgresql://svc:secret@127.0.0.1:5432/connectas",
    ]

    func load(_ environment: [String: String], as service: ServiceName = .policyService) async throws
        -> ServiceConfiguration
    {
        try await ServiceConfiguration.load(service: service, environment: environment)
    }

    @Test func defaultsFillEverythingButTheServers() async throws {
        let configuration = try await load(valid, as: .auditWriter)
        #expect(configuration.kafkaBrokers == ["127.0.0.1:9092", "127.0.0.2:9093"])
        #expect(configuration.httpPort == 8083)
        #expect(configuration.httpHost == "127.0.0.1")
        #expect(configuration.postgresPoolSize == 8)
        #expect(configuration.kafkaSessionTimeout == .seconds(10))
        #expect(configuration.topics == TopicNames())
        #expect(configuration.logLevel == .info)
        #expect(configuration.kafkaGroupID == "audit-writer")
    }

    @Test func environmentOverridesDefaults() async throws {
        var environment = valid
        environment["CONNECTAS_HTTP_PORT"] = "9100"
        environment["CONNECTAS_PG_POOL_SIZE"] = "3"
        environment["CONNECTAS_LOG_LEVEL"] = "DEBUG"
        environment["CONNECTAS_TOPICS_COMMANDS"] = "tenant-a.commands"
        environment["CONNECTAS_KAFKA_SESSION_TIMEOUT_SECONDS"] = "6"
        let configuration = try await load(environment)
        #expect(configuration.httpPort == 9100)
        #expect(configuration.postgresPoolSize == 3)
        #expect(configuration.logLevel == .debug)
        #expect(configuration.topics.commands == "tenant-a.commands")
        #expect(configuration.kafkaSessionTimeout == .seconds(6))
    }

    @Test func aTopicPrefixAppliesToEveryDefaultNameAndTheGroup() async throws {
        var environment = valid
        environment["CONNECTAS_TOPICS_PREFIX"] = "t1."
        environment["CONNECTAS_TOPICS_REPLIES"] = "custom.replies"
        let topics = try await load(environment).topics
        #expect(topics.commands == "t1.connectas.commands")
        #expect(topics.orgs == "t1.platform.orgs")
        #expect(topics.replies == "custom.replies")
        #expect(try await load(environment, as: .notifier).kafkaGroupID == "t1.notifier")
        environment["CONNECTAS_KAFKA_GROUP_ID"] = "ops-notifier"
        #expect(try await load(environment, as: .notifier).kafkaGroupID == "ops-notifier")
        #expect(topics == {
            var expected = TopicNames(prefix: "t1.")
            expected.replies = "custom.replies"
            return expected
        }())
    }

    @Test func missingBrokersSaysWhatToSet() async throws {
        var environment = valid
        environment["CONNECTAS_KAFKA_BROKERS"] = nil
        let error = await #expect(throws: ConfigurationError.self) { try await load(environment) }
        #expect(error?.key == "connectas.kafka.brokers")
        #expect(error?.description.contains("CONNECTAS_KAFKA_BROKERS") == true)
        #expect(error?.problem == "is not set")
    }

    @Test(arguments: [
        ("CONNECTAS_HTTP_PORT", "eighty", "connectas.http.port"),
        ("CONNECTAS_HTTP_PORT", "70000", "connectas.http.port"),
        ("CONNECTAS_PG_POOL_SIZE", "0", "connectas.pg.poolSize"),
        ("CONNECTAS_LOG_LEVEL", "loud", "connectas.log.level"),
        ("CONNECTAS_KAFKA_BROKERS", "localhost", "connectas.kafka.brokers"),
        ("CONNECTAS_KAFKA_BROKERS", "h:1,h:x", "connectas.kafka.brokers"),
        ("CONNECTAS_TOPICS_EVENTS", "bad topic!", "connectas.topics.events"),
        ("CONNECTAS_PG_URL", "mysql://u:p@h/db", "connectas.pg.url"),
    ])
    func badValuesAreRefusedNotDefaulted(variable: String, value: String, key: String) async throws {
        var environment = valid
        environment[variable] = value
        let error = await #expect(throws: ConfigurationError.self) { try await load(environment) }
        #expect(error?.key == key)
    }

    @Test func theDatabasePasswordNeverAppearsInAnError() async throws {
        var environment = valid
        environment["CONNECTAS_PG_URL"] = "mysql://svc:hunter2@127.0.0.1/db"
        let error = await #expect(throws: ConfigurationError.self) { try await load(environment) }
        #expect(error?.description.contains("hunter2") == false)
    }

    @Test func aConfigurationFileFillsWhatTheEnvironmentLeaves() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("connectas-\(UUID()).json").path
        try Data(#"{"connectas": {"http": {"port": 9200}, "pg": {"poolSize": 4}}}"#.utf8)
            .write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var environment = valid
        environment["CONNECTAS_CONFIG_FILE"] = path
        environment["CONNECTAS_PG_POOL_SIZE"] = "5"
        let configuration = try await load(environment)
        #expect(configuration.httpPort == 9200)
        #expect(configuration.postgresPoolSize == 5)
    }

    @Test func anUnreadableConfigurationFileIsAnError() async throws {
        var environment = valid
        environment["CONNECTAS_CONFIG_FILE"] = "/nonexistent/connectas.json"
        let error = await #expect(throws: ConfigurationError.self) { try await load(environment) }
        #expect(error?.key == "connectas.configFile")
    }

    @Test func environmentVariableNamesFollowSwiftConfiguration() {
        let error = ConfigurationError(key: "connectas.kafka.sessionTimeoutSeconds", problem: "", fix: "")
        #expect(error.environmentVariable == "CONNECTAS_KAFKA_SESSION_TIMEOUT_SECONDS")
    }
}

extension ServiceConfigurationTests {
    @Test func whatPrintsLeavesTheDatabasePasswordOut() async throws {
        let configuration = try await load(valid)
        for text in ["\(configuration)", String(reflecting: configuration), "\([configuration])"] {
            #expect(!text.contains("secret"), "\(text)")
            #expect(text.contains("policy-service"))
        }
    }
}
