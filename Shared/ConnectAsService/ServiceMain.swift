import Foundation
import Logging
import ServiceLifecycle

/// The shared start-up of every service: read and check the configuration, set up logging, refuse an unusable
/// environment, then run the services the caller's composition point builds until SIGTERM or SIGINT.
public enum ServiceMain {
    /// The exit status for a configuration error (sysexits.h EX_CONFIG), so supervisors can tell it from a crash.
    public static let configurationErrorStatus: Int32 = 78

    public static func run(
        _ name: ServiceName,
        build: @Sendable (ServiceConfiguration, Logger) async throws -> [any Service]
    ) async -> Never {
        let configuration: ServiceConfiguration
        do {
            configuration = try await ServiceConfiguration.load(service: name)
            try StartupChecks.run()
        } catch {
            FileHandle.standardError.write(Data("\(name.rawValue): \(error)\n".utf8))
            exit(configurationErrorStatus)
        }

        let level = configuration.logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: name.rawValue)
        logger[metadataKey: "connectas.instance"] = "\(configuration.instanceID)"

        do {
            let services = try await build(configuration, logger)
            let group = ServiceGroup(
                configuration: .init(
                    services: services.map { .init(service: $0) },
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger))
            logger.info("started", metadata: ["connectas.services": "\(services.count)"])
            try await group.run()
            logger.info("stopped")
            exit(0)
        } catch let error as ConfigurationError {
            logger.critical("\(error)")
            exit(configurationErrorStatus)
        } catch {
            logger.critical("service failed", metadata: ["error": "\(error)"])
            exit(1)
        }
    }
}
