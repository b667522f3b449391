import ConnectAsKafka
import ConnectAsPostgres
import ConnectAsSchema
import Foundation
import Logging

/// What a service's composition point builds from: its configuration, its database (its own schema, migrated), its
/// producer, and the readiness state its HTTP port reports.
public struct ServiceContext: Sendable {
    public let configuration: ServiceConfiguration
    public let logger: Logger
    public let pool: PostgresPool
    public let producer: KafkaProducer
    public let health: HealthState

    public var service: ServiceName { configuration.service }
    public var topics: TopicNames { configuration.topics }
    /// The service's PostgreSQL schema: its tables live there, apart from the other services'.
    public var schema: String { Self.schema(for: configuration.service) }
    /// The CloudEvents `source` of everything this service publishes.
    public var source: String { "/connectas/\(configuration.service.rawValue)" }
    /// The NOTIFY channel that wakes the outbox relay.
    var outboxChannel: String { "\(schema)_outbox" }

    static func schema(for service: ServiceName) -> String {
        service.rawValue.replacingOccurrences(of: "-", with: "_")
    }

    /// Runs `body` in a transaction of the service's database whose published events go out if and only if it
    /// commits. Serializable and retried on conflict, so `body` must have no effect outside the database.
    @discardableResult
    public func transaction<T>(
        callerIsolation: isolated (any Actor)? = #isolation,
        _ body: (ServiceTransaction) async throws -> T
    ) async throws -> T {
        try await pool.transaction { connection in
            try await body(ServiceTransaction(connection: connection, source: source, topics: topics))
        }
    }

    /// Applies the runtime's tables (processed ids, outbox) and then the service's own migrations to `schema`.
    static func migrate(
        _ pool: PostgresPool, service name: String, schema: String, migrations: [PostgresMigration], logger: Logger
    ) async throws {
        _ = try await PostgresMigrator(
            service: "\(name).runtime", migrations: RuntimeMigrations.all(channel: "\(schema)_outbox"), logger: logger
        ).migrate(pool)
        if !migrations.isEmpty {
            _ = try await PostgresMigrator(service: name, migrations: migrations, logger: logger).migrate(pool)
        }
    }

    /// Connects to PostgreSQL and Kafka and checks that the service's role is its own and its schema migrated
    /// (``LeastPrivilegeCheck``); fails fast, with the server's address, when either cannot be reached.
    static func connect(
        configuration: ServiceConfiguration, migrations: [PostgresMigration], logger: Logger
    ) async throws -> ServiceContext {
        let schema = schema(for: configuration.service)
        let pool = try PostgresPool(
            configuration: PostgresConfiguration(
                url: configuration.postgresURL, maxConnections: configuration.postgresPoolSize,
                applicationName: "\(configuration.service.rawValue) \(configuration.instanceID)", schema: schema),
            logger: logger)
        do {
            let name = configuration.service.rawValue
            try await LeastPrivilegeCheck.require(
                pool, service: configuration.service, schema: schema, migrations: migrations)
            let producer = try await KafkaProducer.connect(
                configuration: KafkaProducerConfiguration(
                    bootstrapServers: configuration.kafkaBrokers,
                    clientID: "\(name)-\(configuration.instanceID)"),
                logger: logger)
            return ServiceContext(
                configuration: configuration, logger: logger, pool: pool, producer: producer,
                health: HealthState(pool: pool))
        } catch {
            await pool.close()
            throw error
        }
    }
}
