import ConnectAsPostgres
import ConnectAsSchema
import Foundation
import Testing
import TestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// DESIGN.md section 4 and seed 000: the audit is read only by those platform state allows: a bearer token the
/// operator provisioned (401 without), the asking platform user decided by the policy rules on audit-writer's own
/// copy of platform state (403 with the denial's code), and every query recorded in the audit itself.
@Suite(.serialized)
struct AuditAccessTests {
    let harness = AuditWriterTests()
    typealias F = PolicyFixtures

    @Test func queriesNeedATokenAndAreDecidedOnPlatformState() async throws {
        try await harness.withAuditWriter { service, database, topics in
            try await topics.publishState(F.org)
            for member in F.members { try await topics.publishState(member) }
            for environment in F.environments { try await topics.publishState(environment) }
            let session = HarnessSession(orgID: F.orgId, environmentID: F.environmentId)
            try await topics.publish(session.approved, id: "\(session.sessionID)-approved")
            try await topics.publish(session.linkIssued(at: Date()), id: "\(session.sessionID)-link")
            try await topics.publish(session.redeemed, id: "\(session.sessionID)-redeemed")
            try await topics.publish(session.ended, id: "\(session.sessionID)-ended")
            try await harness.waitForStatus("ended", session.sessionID, service)
            try await harnessEventually("platform state stored") {
                let known = try await database.pool.query(
                    """
                    SELECT (SELECT count(*) FROM audit_writer.orgs) + (SELECT count(*) FROM audit_writer.members)
                        + (SELECT count(*) FROM audit_writer.environments)
                    """
                ).scalar(as: Int64.self)
                return known == 7 ? true : nil
            }

            let environmentLog = "/v1/orgs/\(F.orgId)/environments/\(F.environmentId)/sessions"
            func ask(_ path: String, as user: MemberState?, token: String? = AuditTokens.platform) async throws
                -> (Int, [String: Any])
            {
                let separator = path.contains("?") ? "&" : "?"
                let query = user.map { "\(separator)asUser=\($0.platformUserId)" } ?? ""
                var request = URLRequest(url: service.url(path + query))
                if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
                let (data, response) = try await URLSession.shared.data(for: request)
                let body = (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
                return ((response as? HTTPURLResponse)?.statusCode ?? 0, body)
            }

            // Who may call at all.
            #expect(try await ask(environmentLog, as: F.admin, token: nil).0 == 401)
            #expect(try await ask(environmentLog, as: F.admin, token: String(repeating: "x", count: 64)).0 == 401)
            #expect(try await ask(environmentLog, as: F.admin, token: AuditTokens.operator).0 == 401)
            #expect(try await service.get("/v1/verify", bearer: AuditTokens.platform).status == 401)
            #expect(try await service.get("/v1/sessions/\(session.sessionID)").status == 401)
            #expect(try await ask(environmentLog, as: nil).0 == 400)

            // An environment's log: view_audit on it.
            let (allowed, log) = try await ask(environmentLog, as: F.admin)
            #expect(allowed == 200)
            let sessions = log["sessions"] as? [[String: Any]] ?? []
            #expect(sessions.map { $0["sessionId"] as? String } == [session.sessionID])
            let (refused, denial) = try await ask(environmentLog, as: F.developer)
            #expect(refused == 403)
            #expect(denial["code"] as? String == DenialCode.permissionDenied.rawValue, "\(denial)")
            #expect(try await ask(environmentLog, as: F.member("user-stranger", .admin, orgId: "org-other")).0 == 403)
            // An environment of another org, named under this one.
            #expect(try await ask("/v1/orgs/\(F.orgId)/environments/env-elsewhere/sessions", as: F.admin).0 == 403)

            // The organisation's log: Owners only.
            #expect(try await ask("/v1/orgs/\(F.orgId)/sessions", as: F.admin).0 == 403)
            let (ownerStatus, orgLog) = try await ask("/v1/orgs/\(F.orgId)/sessions", as: F.owner)
            #expect(ownerStatus == 200)
            #expect((orgLog["sessions"] as? [[String: Any]])?.count == 1)

            // One session's trail, with each record's hash.
            let (trailStatus, trail) = try await ask("/v1/orgs/\(F.orgId)/sessions/\(session.sessionID)", as: F.admin)
            #expect(trailStatus == 200)
            let events = trail["events"] as? [[String: Any]] ?? []
            #expect(events.count == 4)
            #expect(events.allSatisfy { ($0["hash"] as? String)?.count == 64 })
            #expect(try await ask("/v1/orgs/\(F.orgId)/sessions/\(session.sessionID)", as: F.viewer).0 == 403)
            #expect(try await ask("/v1/orgs/org-other/sessions/\(session.sessionID)", as: F.admin).0 == 404)

            // Every query a known caller made is in the audit: 3 allowed, 6 refused (the 404 among them).
            let counts = try await harnessEventually("the queries recorded") {
                let row = try await database.pool.query(
                    """
                    SELECT count(*) FILTER (WHERE (canonical::json -> 'data' ->> 'allowed')::boolean),
                           count(*) FILTER (WHERE NOT (canonical::json -> 'data' ->> 'allowed')::boolean)
                    FROM audit_writer.audit_events
                    WHERE event_type = 'connectas.event.AuditQueried.v1'
                      AND canonical::json -> 'data' ->> 'caller' = 'platform'
                    """
                ).first
                let allowed = try row?.decode(0, as: Int64.self) ?? 0
                let refused = try row?.decode(1, as: Int64.self) ?? 0
                return allowed + refused >= 9 ? (allowed, refused) : nil
            }
            #expect(counts.0 == 3 && counts.1 == 6, "\(counts)")
            let refusedByDeveloper = try await database.pool.query(
                """
                SELECT count(*) FROM audit_writer.audit_events
                WHERE event_type = 'connectas.event.AuditQueried.v1' AND actor_id = 'user-dev'
                  AND canonical::json -> 'data' ->> 'denialCode' = 'permission_denied'
                """
            ).scalar(as: Int64.self)
            #expect(refusedByDeveloper == 1)
        }
    }
}
