import ConnectAsPlatformState
import ConnectAsPolicy
import ConnectAsPostgres
import ConnectAsSchema
import ConnectAsService
import Foundation
import Hummingbird

/// The platform's audit queries, each on behalf of the platform user named in `asUser` and decided by
/// ``ViewAuditRule`` on audit-writer's own copy of platform state (never on a claim of the request):
///
/// | route | who may ask |
/// |---|---|
/// | `GET /v1/orgs/<org>/environments/<env>/sessions?asUser=…` | `env.impersonation.view_audit` on the environment |
/// | `GET /v1/orgs/<org>/sessions?asUser=…` | an Owner holding it: the organisation's log across its environments |
///
/// Both lists take the filters, paging and export formats of ``AuditSessionFilter``.
/// | `GET /v1/orgs/<org>/sessions/<session id>?asUser=…` | view_audit on the session's environment: its trail, with hashes |
enum AuditPlatformRoutes {
    static func register(on router: ServiceRouter, context: ServiceContext, access: AuditAccess, log: AuditQueryLog) {
        let pool = context.pool
        router.get("v1/orgs/:org/environments/:env/sessions") { request, route -> Response in
            try access.require(.platform, for: request)
            let org = try id(route.parameters.require("org"), "org")
            let environment = try id(route.parameters.require("env"), "env")
            let filter = try AuditSessionFilter(
                orgID: org, environmentID: environment, parameters: parameters(request))
            try await authorize(request, org: org, scope: .environment(environment), pool: pool, log: log)
            return try await AuditSessionLog.response(filter, pool: pool)
        }
        router.get("v1/orgs/:org/sessions") { request, route -> Response in
            try access.require(.platform, for: request)
            let org = try id(route.parameters.require("org"), "org")
            let filter = try AuditSessionFilter(orgID: org, environmentID: nil, parameters: parameters(request))
            try await authorize(
                request, org: org, scope: .org, recordedEnvironment: filter.environmentID, pool: pool, log: log)
            return try await AuditSessionLog.response(filter, pool: pool)
        }
        router.get("v1/orgs/:org/sessions/:session") { request, route -> Response in
            try access.require(.platform, for: request)
            let org = try id(route.parameters.require("org"), "org")
            let session = try id(route.parameters.require("session"), "session")
            _ = try asUser(request)
            let environment = try await pool.query(
                "SELECT environment_id FROM audit_sessions WHERE session_id = $1 AND org_id = $2", session, org
            ).first?.decode("environment_id", as: String.self)
            guard let environment else {
                try await log.record(
                    queried(request, org: org, environment: nil, session: session, actor: nil, denial: nil))
                throw HTTPError(.notFound, message: "no audited session with this id in this organization")
            }
            try await authorize(
                request, org: org, scope: .environment(environment), session: session, pool: pool, log: log)
            guard let body = try await AuditQueries.session(session, orgID: org, pool: pool) else {
                throw HTTPError(.notFound, message: "no audited session with this id")
            }
            return AuditJSON.response(body)
        }
    }

    /// Decides, records the query, and throws the refusal when there is one.
    static func authorize(
        _ request: Request, org: String, scope: ViewAuditRule.Scope, session: String? = nil,
        recordedEnvironment: String? = nil, pool: PostgresPool, log: AuditQueryLog
    ) async throws {
        let user = try asUser(request)
        let environment: String? = if case .environment(let id) = scope { id } else { nil }
        let state = try await pool.withConnection { connection in
            try await PlatformStateStore(connection: connection).snapshot(
                orgId: org, actor: user, environmentId: environment ?? "")
        }
        let denial = ViewAuditRule.decide(platformUserId: user, orgId: org, scope: scope, state: state).denial
        let actor = state.member.map { PlatformActor(platformUserId: $0.platformUserId, email: $0.email) }
        try await log.record(
            queried(
                request, org: org, environment: environment ?? recordedEnvironment, session: session, actor: actor,
                denial: denial))
        if let denial { throw AuditRefusal(code: denial.code.rawValue, reason: denial.message) }
    }

    static func queried(
        _ request: Request, org: String, environment: String?, session: String?, actor: PlatformActor?,
        denial: Denial?
    ) -> AuditQueried {
        let user = request.uri.queryParameters.get("asUser")
        return AuditQueried(
            queryId: UUID().uuidString.lowercased(), caller: .platform, platformUserId: user, actor: actor,
            orgId: org, environmentId: environment, sessionId: session, query: AuditQueryLog.query(of: request),
            allowed: denial == nil && actor != nil, denialCode: denial?.code,
            denialReason: denial?.message ?? (actor == nil ? "no such session in this organization" : nil))
    }

    /// The asking user, an id as the contract writes ids: what the query's own record can carry.
    static func asUser(_ request: Request) throws -> String {
        guard let value = request.uri.queryParameters.get("asUser"), FieldRules.isID(String(value)) else {
            throw HTTPError(
                .badRequest, message: "asUser must name the platform user the query is asked for (an id: \(FieldRules.idPattern))")
        }
        return String(value)
    }

    /// A path segment that names an org, environment or session: an id, or 400 before anything is recorded.
    static func id(_ value: String, _ name: String) throws -> String {
        guard FieldRules.isID(value) else {
            throw HTTPError(.badRequest, message: "\(name) must be an id (\(FieldRules.idPattern))")
        }
        return value
    }

    /// The query string as names and values (the last of a repeated name).
    static func parameters(_ request: Request) -> [String: String] {
        var parameters: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { parameters[String(name)] = String(value) }
        return parameters
    }
}
