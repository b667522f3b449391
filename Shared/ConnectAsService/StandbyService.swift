import Logging
import ServiceLifecycle

/// Keeps a service process up, doing nothing, until it is asked to stop: what a service runs before it has a
/// consumer of its own.
public struct StandbyService: Service {
    private let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func run() async throws {
        logger.info("ready, waiting for work")
        try? await gracefulShutdown()
        logger.info("shutting down")
    }
}
