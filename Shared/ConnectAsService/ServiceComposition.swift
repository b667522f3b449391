import ConnectAsPostgres
import ServiceLifecycle

/// What a service's composition point assembles: the topics it consumes and its handler, the routes it adds to its
/// HTTP port, and any other long-running work (timers).
public struct ServiceComposition: Sendable {
    public var consumes: [String]
    public var handler: any MessageHandler
    public var routes: @Sendable (ServiceRouter) -> Void
    public var services: [any Service]

    public init(
        consumes: [String], handler: any MessageHandler, routes: @escaping @Sendable (ServiceRouter) -> Void = { _ in },
        services: [any Service] = []
    ) {
        self.consumes = consumes
        self.handler = handler
        self.routes = routes
        self.services = services
    }
}
