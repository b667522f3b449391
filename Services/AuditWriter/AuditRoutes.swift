import ConnectAsPostgres
import ConnectAsService
import Foundation
import Hummingbird

/// audit-writer's read API on its HTTP port, for operators and the `connectas` CLI; JSON throughout.
///
/// | route | answer |
/// |---|---|
/// | `GET /v1/sessions/<session id>` | the session's view row and its records in order; 404 when unknown |
/// | `GET /v1/requests/<request id>` | the view rows and records of one request (e.g. a denied initiation) |
/// | `GET /v1/events?after=<seq>&limit=<n>` | records after `seq` (default 0), at most `n` (1–1000, default 100) |
/// | `GET /v1/verify` | walks the hash chain and the session view: `intact`, the head, and the first broken link |
/// | `POST /v1/checkpoints` | signs and publishes a checkpoint of the head now (or returns the one it has) |
///
/// No permission check yet: the port must only be reachable by operators (it binds to loopback by default). Later
/// work adds the platform's audit queries, each naming the asking platform user and allowed only when platform
/// state gives that user `env.impersonation.view_audit` (Owners only for the org-wide log), decided by the same
/// rule code policy-service uses, plus filters and CSV / JSON Lines export.
public enum AuditRoutes {
    public static func register(on router: ServiceRouter, pool: PostgresPool, checkpoints: AuditCheckpoints) {
        router.get("v1/sessions/:id") { _, context -> Response in
            let id = try context.parameters.require("id")
            guard let body = try await AuditQueries.session(id, pool: pool) else {
                throw HTTPError(.notFound, message: "no audited session with this id")
            }
            return json(body)
        }
        router.get("v1/requests/:id") { _, context -> Response in
            json(try await AuditQueries.request(try context.parameters.require("id"), pool: pool))
        }
        router.get("v1/events") { request, _ -> Response in
            let query = request.uri.queryParameters
            let after = try number(query.get("after"), name: "after", default: 0, range: 0...Int64.max)
            let limit = try number(query.get("limit"), name: "limit", default: 100, range: 1...1000)
            return json(try await AuditQueries.events(after: after, limit: Int(limit), pool: pool))
        }
        router.get("v1/verify") { _, _ -> Response in
            json(try encoded(try await AuditVerifier.verify(pool)))
        }
        router.post("v1/checkpoints") { _, _ -> Response in
            guard let checkpoint = try await checkpoints.checkpoint() else {
                throw HTTPError(.conflict, message: "the audit has no records yet: there is nothing to sign")
            }
            return json(try encoded(checkpoint))
        }
    }

    private static func encoded(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private static func json(_ body: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    private static func number(_ text: String?, name: String, default value: Int64, range: ClosedRange<Int64>)
        throws -> Int64
    {
        guard let text else { return value }
        guard let number = Int64(text), range.contains(number) else {
            throw HTTPError(
                .badRequest, message: "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }
}
