import ConnectAsKafka
import ConnectAsPostgres
import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// The shared start-up of every service: read and check the configuration, refuse an unusable machine, set up
/// logging and metrics, connect to PostgreSQL (as the service's own role, its schema already migrated) and Kafka,
/// then run what the service's composition point builds until SIGTERM or SIGINT, and shut it down in order.
///
/// `<service> migrate` instead applies the schema's migrations as the owner role and grants the service's role its
/// rights (``SchemaMigration``), then exits: deploy it as a job before the service starts.
public enum ServiceMain {
    /// The exit status for a configuration error (sysexits.h EX_CONFIG), so supervisors can tell it from a crash.
    public static let configurationErrorStatus: Int32 = 78

    public static func run(
        _ name: ServiceName,
        migrations: [PostgresMigration] = [],
        grants: DatabaseGrants = DatabaseGrants(),
        build: @Sendable (ServiceContext) async throws -> ServiceComposition
    ) async -> Never {
        await migrateIfAsked(name, migrations: migrations, grants: grants)
        let configuration: ServiceConfiguration
        do {
            configuration = try await ServiceConfiguration.load(service: name)
            try KafkaLibrary.requireSupportedVersion()
        } catch {
            FileHandle.standardError.write(Data("\(name.rawValue): \(error)\n".utf8))
            exit(configurationErrorStatus)
        }

        let level = configuration.logLevel
        LoggingSystem.bootstrap { label in
            var handler = JSONLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        var logger = Logger(label: name.rawValue)
        logger[metadataKey: "connectas.instance"] = "\(configuration.instanceID)"

        let context: ServiceContext
        do {
            context = try await ServiceContext.connect(
                configuration: configuration, migrations: migrations, logger: logger)
        } catch let error as ConfigurationError {
            logger.critical("cannot start: \(error)")
            exit(configurationErrorStatus)
        } catch {
            logger.critical("cannot start: \(error)")
            exit(1)
        }

        do {
            let composition = try await build(context)
            // Shut down in reverse order: stop consuming first, then publish what is left, then close HTTP.
            let services: [any Service] =
                [HTTPServer.make(context: context, registry: registry, routes: composition.routes),
                 OutboxRelay(context: context), RetentionService(context: context, rules: composition.retention)]
                + composition.services
                + [
                    ConsumerService(
                        context: context, topics: composition.consumes, handler: composition.handler,
                        maxInFlight: composition.concurrency)
                ]
            let group = ServiceGroup(
                configuration: .init(
                    services: services.map { .init(service: $0) },
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger))
            logger.info(
                "started",
                metadata: [
                    "http": "\(configuration.httpHost):\(configuration.httpPort)",
                    "consumes": "\(composition.consumes.joined(separator: ","))",
                ])
            try await group.run()
            await context.producer.shutdown()
            await context.pool.close()
            logger.info("stopped")
            exit(0)
        } catch let error as ConfigurationError {
            // A service's own settings are read by its composition point: still a start-up configuration error.
            FileHandle.standardError.write(Data("\(name.rawValue): \(error)\n".utf8))
            exit(configurationErrorStatus)
        } catch {
            logger.critical("service failed", metadata: ["error": "\(error)"])
            exit(1)
        }
    }

    /// When the process was started as `<service> migrate`: migrates, grants and exits, before the composition point
    /// reads any setting of its own (a migration job needs no SMTP server or key file).
    public static func migrateIfAsked(
        _ name: ServiceName, migrations: [PostgresMigration], grants: DatabaseGrants = DatabaseGrants()
    ) async {
        guard CommandLine.arguments.dropFirst().first == "migrate" else { return }
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label) }
        let logger = Logger(label: name.rawValue)
        do {
            let migration = try await SchemaMigration(service: name)
            try await migration.run(migrations: migrations, grants: grants, logger: logger)
            exit(0)
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("\(name.rawValue) migrate: \(error)\n".utf8))
            exit(configurationErrorStatus)
        } catch {
            FileHandle.standardError.write(Data("\(name.rawValue) migrate: \(error)\n".utf8))
            exit(1)
        }
    }
}
