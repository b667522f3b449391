import ConnectAsPostgres
import ConnectAsService
import Foundation
import Hummingbird

/// audit-writer's operator API on its HTTP port, for the suite's operators and the `connectas` CLI (an operator
/// token, ``AuditAccess``); JSON throughout. Every call is itself recorded (``AuditQueryLog``). The platform's
/// queries, decided per asking user, are ``AuditPlatformRoutes``.
///
/// | route | answer |
/// |---|---|
/// | `GET /v1/sessions/<session id>` | the session's view row and its records in order; 404 when unknown |
/// | `GET /v1/requests/<request id>` | the view rows and records of one request (e.g. a denied initiation) |
/// | `GET /v1/events?after=<seq>&limit=<n>` | records after `seq` (default 0), at most `n` (1–1000, default 100) |
/// | `GET /v1/verify` | walks the hash chain and the session view: `intact`, the head, and the first broken link |
/// | `POST /v1/checkpoints` | signs and publishes a checkpoint of the head now (or returns the one it has) |
public enum AuditRoutes {
    public static func register(
        on router: ServiceRouter, context: ServiceContext, access: AuditAccess, checkpoints: AuditCheckpoints
    ) {
        let pool = context.pool
        let log = AuditQueryLog(context: context)
        AuditPlatformRoutes.register(on: router, context: context, access: access, log: log)
        @Sendable func operatorOnly(_ request: Request) async throws {
            try access.require(.operator, for: request)
            try await log.recordOperator(request)
        }
        router.get("v1/sessions/:id") { request, context -> Response in
            try await operatorOnly(request)
            let id = try context.parameters.require("id")
            guard let body = try await AuditQueries.session(id, pool: pool) else {
                throw HTTPError(.notFound, message: "no audited session with this id")
            }
            return AuditJSON.response(body)
        }
        router.get("v1/requests/:id") { request, context -> Response in
            try await operatorOnly(request)
            return AuditJSON.response(try await AuditQueries.request(try context.parameters.require("id"), pool: pool))
        }
        router.get("v1/events") { request, _ -> Response in
            try await operatorOnly(request)
            let query = request.uri.queryParameters
            let after = try number(query.get("after"), name: "after", default: 0, range: 0...Int64.max)
            let limit = try number(query.get("limit"), name: "limit", default: 100, range: 1...1000)
            return AuditJSON.response(try await AuditQueries.events(after: after, limit: Int(limit), pool: pool))
        }
        router.get("v1/verify") { request, _ -> Response in
            try await operatorOnly(request)
            return AuditJSON.response(try AuditJSON.encoded(try await AuditVerifier.verify(pool)))
        }
        router.post("v1/checkpoints") { request, _ -> Response in
            try await operatorOnly(request)
            guard let checkpoint = try await checkpoints.checkpoint() else {
                throw HTTPError(.conflict, message: "the audit has no records yet: there is nothing to sign")
            }
            return AuditJSON.response(try AuditJSON.encoded(checkpoint))
        }
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

/// JSON answers: PostgreSQL's own text, or a Codable value with sorted keys.
enum AuditJSON {
    static func encoded(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func response(_ body: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
