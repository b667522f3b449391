import ConnectAsPostgres
import ServiceLifecycle

/// What a service's composition point assembles: the topics it consumes and its handler, the routes it adds to its
/// HTTP port, and any other long-running work (timers).
public struct ServiceComposition: Sendable {
    public var consumes: [String]
    public var handler: any MessageHandler
    public var routes: @Sendable (ServiceRouter) -> Void
    public var services: [any Service]
    /// What the service keeps only for a while, on top of the processed-message ids every service prunes.
    public var retention: [RetentionRule]
    /// How many records of different keys the consumer works on at once (records of one key are always in order,
    /// one at a time); 1 for a service whose work is serial anyway, like appending to one hash chain.
    public var concurrency: Int

    public init(
        consumes: [String], handler: any MessageHandler, routes: @escaping @Sendable (ServiceRouter) -> Void = { _ in },
        services: [any Service] = [], retention: [RetentionRule] = [], concurrency: Int = 64
    ) {
        self.concurrency = concurrency
        self.consumes = consumes
        self.handler = handler
        self.routes = routes
        self.services = services
        self.retention = retention
    }
}
