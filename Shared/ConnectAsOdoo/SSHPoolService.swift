import ConnectAsSSH
import ServiceLifecycle

/// Keeps the SSH pool for the service's lifetime and closes its connections at shutdown, after the consumer and
/// the timer (services stop in reverse order, and this one is listed before them).
public struct SSHPoolService: Service, CustomStringConvertible {
    /// What swift-service-lifecycle logs for it: the name, not the fields (which hold the configuration).
    public var description: String { "SSHPoolService" }

    let pool: SSHConnectionPool

    public init(pool: SSHConnectionPool) {
        self.pool = pool
    }

    public func run() async throws {
        try? await gracefulShutdown()
        await pool.shutdown()
    }
}
