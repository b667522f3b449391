import ConnectAsSchema
import ConnectAsService
import Foundation
import HTTPTypes
import Hummingbird

/// Every query of the audit, allowed or refused, becomes an ``AuditQueried`` event before it is answered: a read the
/// audit cannot record is not served (the caller gets 503 and asks again).
struct AuditQueryLog: Sendable {
    let context: ServiceContext

    func record(_ queried: AuditQueried) async throws {
        do {
            try await context.transaction { transaction in
                try await transaction.publish(queried, id: "audit-query-\(queried.queryId)")
            }
        } catch {
            context.logger.error("could not record an audit query; not answering it", metadata: ["error": "\(error)"])
            throw HTTPError(.serviceUnavailable, message: "the query could not be recorded; try again")
        }
    }

    /// An operator's query: recorded with no platform user.
    func recordOperator(_ request: Request) async throws {
        try await record(
            AuditQueried(
                queryId: UUID().uuidString.lowercased(), caller: .operator, platformUserId: nil, actor: nil,
                orgId: nil, environmentId: nil, sessionId: nil, query: Self.query(of: request), allowed: true,
                denialCode: nil, denialReason: nil))
    }

    static func query(of request: Request) -> String { String(request.uri.description.prefix(2000)) }
}

/// A query the rules refuse: 403 with the denial's stable code and its sentence.
struct AuditRefusal: HTTPResponseError {
    let code: String
    let reason: String
    var status: HTTPResponse.Status { .forbidden }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = try JSONSerialization.data(
            withJSONObject: ["error": "forbidden", "code": code, "reason": reason], options: [.sortedKeys])
        return Response(
            status: .forbidden, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
