import Foundation
import Hummingbird
import Prometheus
import ServiceLifecycle


/// Each service's HTTP port: `/health` (200 when ready, 503 otherwise, with the reasons as JSON), `/metrics` in the
/// Prometheus text format, and whatever routes the service adds (the redeem link, the audit API).
enum HTTPServer {
    static func make(
        context: ServiceContext, registry: PrometheusCollectorRegistry, routes: (ServiceRouter) -> Void
    ) -> any Service {
        let router = ServiceRouter(context: ServiceRequestContext.self)
        router.get("health") { _, _ -> Response in
            let report = await context.health.check()
            let body = (try? JSONEncoder().encode(report)) ?? Data()
            return Response(
                status: report.ready ? .ok : .serviceUnavailable,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        router.get("metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        routes(router)
        return Application(
            router: router,
            configuration: .init(
                address: .hostname(context.configuration.httpHost, port: context.configuration.httpPort),
                serverName: context.service.rawValue),
            logger: context.logger)
    }
}
