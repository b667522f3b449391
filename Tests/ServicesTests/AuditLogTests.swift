import ConnectAsPostgres
import ConnectAsSchema
import Foundation
import Testing
import TestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What an auditor asks of the session log (seed 002: "who had elevated access in Q3 and why, in one screen,
/// exportable"): filters, cursor paging by time, and CSV / JSON Lines exports that stream in bounded memory.
@Suite(.serialized)
struct AuditLogTests {
    let harness = AuditWriterTests()
    typealias F = PolicyFixtures

    @Test func filtersPagesAndExports() async throws {
        try await withLog { service, database in
            // Six sessions of the fixture org, one hour apart, the newest first in the log.
            let rows: [(String, String, String, String, String, Int, String?)] = [
                ("s1", F.environmentId, "user-admin", "jose", "ended", 1, "Invoice 100% wrong (ticket #1)"),
                ("s2", F.environmentId, "user-owner", "ana", "revoked", 2, "=HYPERLINK(\"http://evil\")"),
                ("s3", F.otherEnvironmentId, "user-admin", "jose", "ended", 3, "Staging, \"quoted\" check"),
                ("s4", F.environmentId, "user-admin", "luis", "redeemed", 4, "Payroll question"),
                ("s5", F.otherEnvironmentId, "user-owner", "jose", "denied", 5, nil),
                ("s6", F.environmentId, "user-admin", "ana", "expired", 6, "invoice view broken"),
            ]
            for (id, environment, actor, target, status, hoursAgo, reason) in rows {
                try await database.pool.query(
                    """
                    INSERT INTO audit_writer.audit_sessions (session_id, request_id, org_id, environment_id, actor_id,
                        actor_email, target_login, status, initiated_at, ended_at, reason, last_event_seq)
                    VALUES ($1, 'req-' || $1, $2, $3, $4, $4 || '@platform.example', $5, $6,
                        timestamptz '2026-07-15 12:00:00+00' - $7 * interval '1 hour',
                        CASE WHEN $6 IN ('ended', 'revoked', 'expired')
                            THEN timestamptz '2026-07-15 12:30:00+00' - $7 * interval '1 hour' END, $8, 1)
                    """, id, F.orgId, environment, actor, target, status, Int64(hoursAgo), reason)
            }
            func sessions(_ query: String, as user: MemberState = F.owner) async throws -> [String] {
                let (status, data) = try await get("/v1/orgs/\(F.orgId)/sessions?asUser=\(user.platformUserId)&\(query)", service)
                #expect(status == 200, "\(query): \(String(decoding: data, as: UTF8.self))")
                let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
                return (object?["sessions"] as? [[String: Any]] ?? []).compactMap { $0["sessionId"] as? String }
            }

            #expect(try await sessions("") == ["s1", "s2", "s3", "s4", "s5", "s6"])
            #expect(try await sessions("environment=\(F.otherEnvironmentId)") == ["s3", "s5"])
            #expect(try await sessions("actor=user-owner") == ["s2", "s5"])
            #expect(try await sessions("target=jose") == ["s1", "s3", "s5"])
            #expect(try await sessions("status=ended") == ["s1", "s3"])
            #expect(
                try await sessions("startedAfter=2026-07-15T07:00:00Z&startedBefore=2026-07-15T10:00:00Z")
                    == ["s3", "s4", "s5"])
            #expect(try await sessions("endedAfter=2026-07-15T10:00:00Z") == ["s1", "s2"])
            #expect(try await sessions("q=INVOICE") == ["s1", "s6"])
            // LIKE's own characters are taken literally.
            #expect(try await sessions("q=100%25") == ["s1"])
            #expect(try await sessions("q=_") == [])
            // The environment route: its own environment only, for view_audit holders.
            let (envStatus, envData) = try await get(
                "/v1/orgs/\(F.orgId)/environments/\(F.environmentId)/sessions?asUser=user-admin&target=ana", service)
            #expect(envStatus == 200)
            #expect(String(decoding: envData, as: UTF8.self).contains("\"s2\"") && !String(decoding: envData, as: UTF8.self).contains("\"s3\""))

            // Cursor paging: every row once, in order.
            var seen: [String] = []
            var cursor: String?
            repeat {
                let (status, data) = try await get(
                    "/v1/orgs/\(F.orgId)/sessions?asUser=user-owner&limit=4\(cursor.map { "&cursor=\($0)" } ?? "")",
                    service)
                #expect(status == 200)
                let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
                seen += (object?["sessions"] as? [[String: Any]] ?? []).compactMap { $0["sessionId"] as? String }
                cursor = object?["next"] as? String
            } while cursor != nil && seen.count < 20
            #expect(seen == ["s1", "s2", "s3", "s4", "s5", "s6"])

            // Bad parameters name themselves.
            for (query, name) in [
                ("status=gone", "status"), ("startedAfter=yesterday", "startedAfter"), ("limit=0", "limit"),
                ("cursor=%21%21", "cursor"), ("format=xml", "format"),
                // A forged cursor at the edge of Int64: refused, and audit-writer still answers the next question.
                ("cursor=LTkyMjMzNzIwMzY4NTQ3NzU4MDguMQ", "cursor"),
            ] {
                let (status, data) = try await get("/v1/orgs/\(F.orgId)/sessions?asUser=user-owner&\(query)", service)
                #expect(status == 400 && String(decoding: data, as: UTF8.self).contains(name), "\(query)")
            }

            // CSV: RFC 4180 quoting, and a formula a spreadsheet would run is defused.
            let (csvStatus, csvData) = try await get("/v1/orgs/\(F.orgId)/sessions?asUser=user-owner&format=csv", service)
            #expect(csvStatus == 200)
            let csv = String(decoding: csvData, as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(csv.count == 7)
            #expect(csv[0].hasPrefix("session_id,request_id,org_id,environment_id,status,actor_id"))
            #expect(csv[2].contains(",\"'=HYPERLINK(\"\"http://evil\"\")\","), "\(csv[2])")
            #expect(csv[3].contains(",\"Staging, \"\"quoted\"\" check\","), "\(csv[3])")
            // JSON Lines: one session per line.
            let (jsonlStatus, jsonl) = try await get(
                "/v1/orgs/\(F.orgId)/sessions?asUser=user-owner&format=jsonl&status=ended", service)
            #expect(jsonlStatus == 200)
            let lines = String(decoding: jsonl, as: UTF8.self).split(separator: "\n")
            #expect(lines.count == 2)
            #expect(lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil })
        }
    }

    @Test func aHundredThousandSessionsExportInBoundedMemory() async throws {
        try await withLog { service, database in
            try await database.pool.query(
                """
                INSERT INTO audit_writer.audit_sessions (session_id, request_id, org_id, environment_id, actor_id,
                    actor_email, target_login, status, initiated_at, reason, last_event_seq)
                SELECT 'bulk-' || g, 'req-' || g, $1, $2, 'user-admin', 'admin@platform.example', 'jose', 'ended',
                    timestamptz '2026-07-01 00:00:00+00' + g * interval '1 second',
                    'Bulk reason number ' || g || ', with a comma', 1
                FROM generate_series(1, 100000) g
                """, F.orgId, F.environmentId)
            let before = try Self.peakMemoryKB(of: service)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString).csv")
            defer { try? FileManager.default.removeItem(at: file) }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            process.arguments = [
                "-sS", "-f", "-o", file.path, "-H", "Authorization: Bearer \(AuditTokens.platform)",
                service.url("/v1/orgs/\(F.orgId)/sessions?asUser=user-owner&format=csv").absoluteString,
            ]
            try process.run()
            while process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
            #expect(process.terminationStatus == 0)
            let text = try String(contentsOf: file, encoding: .utf8)
            let lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.count == 100_001)
            #expect(Set(lines.dropFirst().map { $0.prefix(while: { $0 != "," }) }).count == 100_000)
            let after = try Self.peakMemoryKB(of: service)
            print("export of 100,000 sessions: \(text.utf8.count) bytes; audit-writer peak RSS \(before) kB → \(after) kB")
            // The export is about 16 MB of CSV (twice that held as text and buffer); streamed in batches of 1,000
            // rows, audit-writer's peak moves by a few MB.
            #expect(after - before < 24 * 1024, "peak resident memory grew from \(before) kB to \(after) kB")
        }
    }

    // MARK: - Helpers

    func withLog(_ body: (ServiceProcess, HarnessDatabase) async throws -> Void) async throws {
        try await harness.withAuditWriter { service, database, topics in
            try await topics.publishState(F.org)
            for member in F.members { try await topics.publishState(member) }
            for environment in F.environments { try await topics.publishState(environment) }
            try await harnessEventually("platform state stored") {
                try await database.pool.query("SELECT count(*) FROM audit_writer.members").scalar(as: Int64.self) == 4
                    ? true : nil
            }
            try await body(service, database)
        }
    }

    func get(_ path: String, _ service: ServiceProcess) async throws -> (Int, Data) {
        let (data, response) = try await URLSession.shared.data(
            for: AuditTokens.request(service.url(path), token: AuditTokens.platform))
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    /// VmHWM: the most resident memory the process has had.
    static func peakMemoryKB(of service: ServiceProcess) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(service.process.processIdentifier)/status", encoding: .utf8)
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}
