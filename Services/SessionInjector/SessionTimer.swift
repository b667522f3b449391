import ServiceLifecycle

/// Every second, one ``Injector/sweep()``: links past their lifetime, sessions past their maximum duration,
/// pending deletes, unsent links. Safe with several replicas (rows are claimed with a lease).
struct SessionTimer: Service, CustomStringConvertible {
    /// What swift-service-lifecycle logs for it: the name, not the fields (which hold the configuration).
    public var description: String { "SessionTimer" }

    let injector: Injector
    var interval: Duration = .seconds(1)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await injector.sweep()
                try? await Task.sleep(for: interval)
            }
        }
    }
}
