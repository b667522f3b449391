import Configuration
import Foundation
import Logging

/// What every Connect As service needs to start, read once at start from (highest priority first) the
/// environment, the JSON file named by `CONNECTAS_CONFIG_FILE`, and the defaults below.
///
/// | key | environment variable | default |
/// |---|---|---|
/// | connectas.kafka.brokers | CONNECTAS_KAFKA_BROKERS | required: host:port[,host:port…] |
/// | connectas.kafka.sessionTimeoutSeconds | CONNECTAS_KAFKA_SESSION_TIMEOUT_SECONDS | 10 |
/// | connectas.kafka.groupId | CONNECTAS_KAFKA_GROUP_ID | the topic prefix and the service's name |
/// | connectas.kafka.fetchWaitMs | CONNECTAS_KAFKA_FETCH_WAIT_MS | librdkafka's fetch.wait.max.ms (500) |
/// | connectas.kafka.rejoinAfterSeconds | CONNECTAS_KAFKA_REJOIN_AFTER_SECONDS | 60 or 3 × the session timeout, whichever is longer; over 2 × the session timeout: see ``UnassignedWatchdog`` |
/// | connectas.pg.url | CONNECTAS_PG_URL | required: postgresql://user:password@host:port/db |
/// | connectas.pg.poolSize | CONNECTAS_PG_POOL_SIZE | 8 |
/// | connectas.http.host | CONNECTAS_HTTP_HOST | 127.0.0.1 |
/// | connectas.http.port | CONNECTAS_HTTP_PORT | per service: 8081 policy, 8082 injector, 8083 audit, 8084 notifier |
/// | connectas.log.level | CONNECTAS_LOG_LEVEL | info |
/// | connectas.instanceId | CONNECTAS_INSTANCE_ID | host name and process id |
/// | connectas.topics.prefix | CONNECTAS_TOPICS_PREFIX | none: put in front of every default topic name |
/// | connectas.topics.* | CONNECTAS_TOPICS_COMMANDS, … | see ``TopicNames`` |
/// | connectas.retention.days | CONNECTAS_RETENTION_DAYS | 30 (1–3650): see ``RetentionService`` |
public struct ServiceConfiguration: Sendable {
    public var service: ServiceName
    public var instanceID: String
    public var kafkaBrokers: [String]
    public var kafkaSessionTimeout: Duration
    /// How long the consumer may own no partition, in a group that is not stable with it as a member, before it
    /// leaves and joins again as a fresh member (``ConsumerService``).
    public var kafkaRejoinAfter: Duration
    /// The consumer group: the service's name behind the topic prefix, so every installation sharing a cluster
    /// (or every test) has groups of its own.
    public var kafkaGroupID: String
    /// How long the broker may hold a fetch that has no data yet; librdkafka's default (500 ms) unless set. A broker
    /// that holds a fetch to its end even when data arrives (Tansu) adds about half of it to every hop.
    public var kafkaFetchWait: Duration?
    public var topics: TopicNames
    public var postgresURL: String
    public var postgresPoolSize: Int
    public var httpHost: String
    public var httpPort: Int
    public var logLevel: Logger.Level
    /// How long processed-message ids and each service's finished work are kept (``RetentionService``).
    public var retention: Duration
    /// The same layered sources, for the keys a service reads for itself (`connectas.injector.*`, …), with
    /// ``ConfigReader`` `checked…` reads, so that its own errors stop it at start like these do.
    public let reader: ConfigReader

    /// Reads and checks the configuration; the first problem found is thrown as a ``ConfigurationError``.
    public init(service: ServiceName, reader: ConfigReader) throws {
        self.service = service
        self.reader = reader
        instanceID =
            reader.checkedString("connectas.instanceId")
            ?? "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"

        guard let brokers = reader.checkedString("connectas.kafka.brokers") else {
            throw ConfigurationError(
                key: "connectas.kafka.brokers", problem: "is not set",
                fix: "set it to the Kafka bootstrap servers, e.g. 127.0.0.1:9092 (scripts/stack start writes .stack/env)")
        }
        kafkaBrokers = try Self.brokerList(brokers)
        kafkaSessionTimeout = try reader.checkedSeconds(
            "connectas.kafka.sessionTimeoutSeconds", default: .seconds(10), range: 6...300)
        // A dead member holds up a rebalance for one session timeout; a rejoin sooner would only add a member the
        // coordinator waits for in turn (its LeaveGroup queues behind the pending JoinGroup).
        let sessionSeconds = Int(kafkaSessionTimeout.components.seconds)
        kafkaRejoinAfter = try reader.checkedSeconds(
            "connectas.kafka.rejoinAfterSeconds", default: .seconds(max(60, 3 * sessionSeconds)),
            range: (2 * sessionSeconds + 1)...3600)
        topics = try TopicNames(reader: reader)
        let fetchWait = try reader.checkedInt("connectas.kafka.fetchWaitMs", default: -1, range: -1...10_000)
        kafkaFetchWait = fetchWait < 0 ? nil : .milliseconds(fetchWait)
        kafkaGroupID =
            reader.checkedString("connectas.kafka.groupId")
            ?? (reader.checkedString("connectas.topics.prefix") ?? "") + service.rawValue

        guard let url = reader.checkedString("connectas.pg.url", isSecret: true) else {
            throw ConfigurationError(
                key: "connectas.pg.url", problem: "is not set",
                fix: "set it to postgresql://USER:PASSWORD@HOST:PORT/DATABASE")
        }
        guard url.hasPrefix("postgresql://") || url.hasPrefix("postgres://") else {
            // The value may hold a password: never echo it.
            throw ConfigurationError(
                key: "connectas.pg.url", problem: "is not a postgresql:// URL",
                fix: "set it to postgresql://USER:PASSWORD@HOST:PORT/DATABASE")
        }
        postgresURL = url
        postgresPoolSize = try reader.checkedInt("connectas.pg.poolSize", default: 8, range: 1...200)

        httpHost = reader.checkedString("connectas.http.host") ?? "127.0.0.1"
        httpPort = try reader.checkedInt("connectas.http.port", default: service.defaultHTTPPort, range: 1...65535)
        logLevel = try reader.checkedChoice("connectas.log.level", default: Logger.Level.info)
        retention = .seconds(
            86_400 * (try reader.checkedInt("connectas.retention.days", default: 30, range: 1...3650)))
    }

    /// Reads the process's configuration: environment first, then the JSON file `CONNECTAS_CONFIG_FILE` names.
    public static func load(service: ServiceName, environment: [String: String] = ProcessInfo.processInfo.environment)
        async throws -> ServiceConfiguration
    {
        try ServiceConfiguration(service: service, reader: try await reader(environment: environment))
    }

    /// The layered sources every service reads: the environment, then the JSON file `CONNECTAS_CONFIG_FILE` names.
    public static func reader(environment: [String: String] = ProcessInfo.processInfo.environment) async throws
        -> ConfigReader
    {
        var providers: [any ConfigProvider] = [EnvironmentVariablesProvider(environmentVariables: environment)]
        if let file = environment["CONNECTAS_CONFIG_FILE"], !file.isEmpty {
            do {
                providers.append(try await FileProvider<JSONSnapshot>(filePath: .init(file)))
            } catch {
                throw ConfigurationError(
                    key: "connectas.configFile", problem: "names \(file), which cannot be read as JSON (\(error))",
                    fix: "point it at a readable JSON file or unset it")
            }
        }
        return ConfigReader(providers: providers)
    }

    static func brokerList(_ text: String) throws -> [String] {
        let brokers = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for broker in brokers {
            let parts = broker.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, let port = Int(parts[1]), (1...65535).contains(port) else {
                throw ConfigurationError(
                    key: "connectas.kafka.brokers", problem: "has \"\(broker)\", not host:port",
                    fix: "list the bootstrap servers as host:port, separated by commas")
            }
        }
        return brokers
    }
}

/// Configurations end up in logs (swift-service-lifecycle logs every service it runs with `\(service)`): what
/// prints here leaves the database URL, and its password, out.
extension ServiceConfiguration: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        "ServiceConfiguration(\(service.rawValue), instance \(instanceID), "
            + "kafka \(kafkaBrokers.joined(separator: ",")), group \(kafkaGroupID), http \(httpHost):\(httpPort))"
    }

    public var debugDescription: String { description }
}
