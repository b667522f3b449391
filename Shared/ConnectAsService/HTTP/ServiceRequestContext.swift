import Hummingbird

/// The request context of every service's HTTP port: Hummingbird's basics plus the address of the connection's
/// other end (the reverse proxy in production, the browser when reached directly), which the redeem link records.
public struct ServiceRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let peerAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress?.ipAddress
    }
}

/// The router every service adds its routes to.
public typealias ServiceRouter = Router<ServiceRequestContext>
