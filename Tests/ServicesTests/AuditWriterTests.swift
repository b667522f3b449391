import ConnectAsPostgres
import ConnectAsSchema
import Foundation
import TestSupport
import Testing

/// audit-writer's real executable against the stack: events published to a fresh events topic, records and the
/// session view read back from its database and its HTTP API.
///
/// Serialized: every audit-writer is in the consumer group `audit-writer`, and two at once would rebalance each other.
@Suite(.serialized) struct AuditWriterTests {
    @Test func everyEventIsRecordedOnceAndEachSessionIsFollowed() async throws {
        try await withAuditWriter { service, database, topics in
            let session = HarnessSession()
            let start = Date()

            try await topics.publish(session.approved, id: "\(session.sessionID)-approved", time: start)
            try await waitForStatus("initiated", session.sessionID, service)

            try await topics.publish(session.linkIssued(at: start), id: "\(session.sessionID)-link", time: start + 1)
            try await topics.publish(session.redeemed, id: "\(session.sessionID)-redeemed", time: start + 20)
            // The same event delivered again (a producer retry, a redelivery after a crash).
            try await topics.publish(session.redeemed, id: "\(session.sessionID)-redeemed", time: start + 20)
            let redeemed = try await waitForStatus("redeemed", session.sessionID, service)
            #expect(redeemed.session.browserIp == "198.51.100.23")
            #expect(redeemed.session.redeemedAt != nil)
            #expect(redeemed.session.endedAt == nil)

            try await topics.publish(session.ended, id: "\(session.sessionID)-ended", time: start + 60)
            try await topics.publish(session.approved, id: "\(session.sessionID)-approved", time: start)
            // A late event of an earlier stage (its own id, so it is a record of its own) cannot move the view back.
            try await topics.publish(
                session.linkIssued(at: start), id: "\(session.sessionID)-link-late", time: start + 2)
            let deniedRequest = StackEnvironment.uniqueName("req-denied")
            // Same environment, so the same partition: once it is recorded, everything before it has been handled.
            try await topics.publish(session.denied(requestID: deniedRequest), id: "\(deniedRequest)-denied")

            let request = try await harnessEventually("the denial recorded") {
                let answer = try await service.getJSON("/v1/requests/\(deniedRequest)", as: AuditRequestAnswer.self)
                return answer.sessions.isEmpty ? nil : answer
            }
            #expect(request.sessions.count == 1)
            #expect(request.sessions[0].status == "denied")
            #expect(request.sessions[0].sessionId == nil)
            #expect(request.sessions[0].denialCode == "reason_too_short")
            #expect(request.events.map(\.type) == ["connectas.event.InitiateDenied.v1"])

            // Six distinct events, six records, numbered in the order they came, whatever was delivered twice.
            let pool = try database.servicePool(schema: "audit_writer")
            defer { Task { await pool.close() } }
            let rows = try await pool.query(
                """
                SELECT seq, event_id, event_type, session_id, request_id, org_id, environment_id, actor_id,
                    target_login, canonical FROM audit_events
                WHERE event_type <> 'connectas.event.AuditQueried.v1' ORDER BY seq
                """)
            // (The reads of the API above are records too, interleaved: AuditQueried, left out here.)
            let seqs = try rows.map { try $0.decode("seq", as: Int64.self) }
            #expect(seqs.count == 6 && seqs == seqs.sorted() && Set(seqs).count == 6)
            #expect(
                try rows.map { try $0.decode("event_id", as: String.self) } == [
                    "\(session.sessionID)-approved", "\(session.sessionID)-link", "\(session.sessionID)-redeemed",
                    "\(session.sessionID)-ended", "\(session.sessionID)-link-late", "\(deniedRequest)-denied",
                ])
            #expect(
                try rows.map { try $0.decode("event_type", as: String.self) } == [
                    "connectas.event.InitiateApproved.v1", "connectas.event.SessionLinkIssued.v1",
                    "connectas.event.SessionRedeemed.v1", "connectas.event.SessionEnded.v1",
                    "connectas.event.SessionLinkIssued.v1", "connectas.event.InitiateDenied.v1",
                ])
            #expect(
                try rows.prefix(5).allSatisfy { try $0.decode("session_id", as: String?.self) == session.sessionID })
            #expect(try rows[5].decode("session_id", as: String?.self) == nil)
            #expect(try rows[0].decode("request_id", as: String.self) == session.requestID)
            #expect(try rows[3].decode("request_id", as: String.self) == session.endRequestID)
            #expect(try rows.allSatisfy { try $0.decode("org_id", as: String.self) == session.orgID })
            #expect(try rows.allSatisfy { try $0.decode("environment_id", as: String.self) == session.environmentID })
            #expect(try rows.allSatisfy { try $0.decode("actor_id", as: String.self) == "usr_42" })
            #expect(try rows[2].decode("target_login", as: String?.self) == "jose.nunez")
            // The stored JSON is the whole event: it reads back as what was published.
            let stored = try EventCodec.decode(Data(try rows[2].decode("canonical", as: String.self).utf8))
            #expect(stored.message == .sessionRedeemed(session.redeemed))
            #expect(stored.attributes.id == "\(session.sessionID)-redeemed")

            let final = try await service.getJSON("/v1/sessions/\(session.sessionID)", as: AuditSessionAnswer.self)
            #expect(final.session.status == "ended")
            #expect(final.session.requestId == session.requestID)
            #expect(final.session.actor.role == "admin")
            #expect(final.session.target.displayName == "José Núñez")
            #expect(final.session.reason == session.reason)
            #expect(final.session.clientIp == "203.0.113.9")
            #expect(final.session.endReason == "end_command")
            #expect(final.session.initiatedAt != nil && final.session.redeemedAt != nil && final.session.endedAt != nil)
            #expect(final.events.map(\.seq) == final.events.map(\.seq).sorted() && final.events.count == 5)
            #expect(final.events[2].event.id == "\(session.sessionID)-redeemed")
            // Each record is chained to the one before it, whatever that is (an API read is a record too).
            let firstTwo = try await service.getJSON("/v1/events?after=0&limit=2", as: AuditEventsPage.self)
            #expect(firstTwo.events[1].previousHash == firstTwo.events[0].hash)

            let page = try await service.getJSON("/v1/events?after=1&limit=2", as: AuditEventsPage.self)
            #expect(page.events.map(\.seq) == [2, 3])
            #expect(page.next == 3)
            let rest = try await service.getJSON("/v1/events?after=\(page.next)&limit=2", as: AuditEventsPage.self)
            #expect(rest.events.map(\.seq) == [4, 5])
            let (missing, _) = try await service.get("/v1/sessions/no-such-session", bearer: AuditTokens.operator)
            #expect(missing == 404)
            let (badLimit, _) = try await service.get("/v1/events?limit=5000", bearer: AuditTokens.operator)
            #expect(badLimit == 400)

            let verification = try await service.getJSON("/v1/verify", as: AuditVerificationAnswer.self)
            #expect(verification.intact)
            #expect(verification.checkedRecords == verification.headSeq && verification.headSeq >= 6)
        }
    }

    @Test func recordsCannotBeChangedAndTamperingIsDetected() async throws {
        try await withAuditWriter { service, database, topics in
            let session = HarnessSession()
            try await topics.publish(session.approved, id: "\(session.sessionID)-approved")
            try await topics.publish(session.linkIssued(at: Date()), id: "\(session.sessionID)-link")
            try await topics.publish(session.redeemed, id: "\(session.sessionID)-redeemed")
            try await topics.publish(session.ended, id: "\(session.sessionID)-ended")
            // notifier's report that the user was told shows in the session's row.
            try await topics.publish(
                NotificationSent(
                    requestId: session.requestID, orgId: session.orgID, environmentId: session.environmentID,
                    sessionId: session.sessionID, channel: .email, language: .english, recipient: session.target,
                    notifiedEventId: "\(session.sessionID)-redeemed",
                    notifiedEventType: SessionRedeemed.eventType.rawValue),
                id: "notifier:sent:\(session.sessionID):session_redeemed:email")
            let ended = try await harnessEventually("the notification recorded") {
                let answer = try await waitForStatus("ended", session.sessionID, service)
                return answer.session.notifiedAt == nil ? nil : answer
            }
            #expect(ended.events.count == 5)
            #expect(try await service.getJSON("/v1/verify", as: AuditVerificationAnswer.self).intact)

            // A superuser (the stack's administrator): the trigger refuses it all the same, even a statement
            // that would touch no row.
            let superuser = database.pool
            let table = "audit_writer.audit_events"
            for statement in [
                "UPDATE \(table) SET actor_email = 'someone@else.example' WHERE event_id = '\(session.sessionID)-link'",
                "DELETE FROM \(table) WHERE event_id = '\(session.sessionID)-approved'",
                "DELETE FROM \(table) WHERE false",
                "TRUNCATE \(table)",
            ] {
                let error = await #expect(throws: PostgresError.self, "\(statement)") {
                    try await superuser.query(statement)
                }
                #expect(error?.sqlState == .insufficientPrivilege, "\(statement)")
                #expect(error?.message.contains("append-only") == true, "\(statement)")
            }
            // Nobody holds UPDATE, DELETE or TRUNCATE on the table, not even its owner.
            let privileges = try await superuser.query(
                """
                SELECT DISTINCT (aclexplode(relacl)).privilege_type AS privilege FROM pg_class
                WHERE oid = 'audit_writer.audit_events'::regclass
                """
            ).map { try $0.decode("privilege", as: String.self) }
            #expect(!privileges.isEmpty)
            #expect(Set(privileges).isDisjoint(with: ["UPDATE", "DELETE", "TRUNCATE"]))
            // A role that was granted everything is still refused by the trigger.
            let role = StackEnvironment.uniqueName("audit_probe").replacingOccurrences(of: "-", with: "_")
            try await superuser.query("CREATE ROLE \(role) NOLOGIN")
            try await superuser.query("GRANT USAGE ON SCHEMA audit_writer TO \(role)")
            try await superuser.query("GRANT ALL ON \(table) TO \(role)")
            let asRole = await #expect(throws: PostgresError.self) {
                try await superuser.transaction(isolation: .readCommitted) { connection in
                    try await connection.query("SET LOCAL ROLE \(role)")
                    try await connection.query("DELETE FROM \(table) WHERE event_id = '\(session.sessionID)-ended'")
                }
            }
            #expect(asRole?.message.contains("append-only") == true)
            try await superuser.query("DROP OWNED BY \(role)")
            try await superuser.query("DROP ROLE \(role)")

            // A superuser who disables the trigger can change a record, and the chain shows where.
            let redeemedSeq = try await superuser.query(
                "SELECT seq FROM \(table) WHERE event_id = $1", "\(session.sessionID)-redeemed"
            ).scalar(as: Int64.self)
            let linkSeq = try await superuser.query(
                "SELECT seq FROM \(table) WHERE event_id = $1", "\(session.sessionID)-link"
            ).scalar(as: Int64.self)
            try await tamper(
                database,
                "UPDATE \(table) SET canonical = replace(canonical, '198.51.100.23', '192.0.2.1') WHERE seq = \(redeemedSeq)")
            var verification = try await service.getJSON("/v1/verify", as: AuditVerificationAnswer.self)
            #expect(!verification.intact)
            #expect(verification.firstBroken?.seq == redeemedSeq)
            #expect(verification.firstBroken?.eventId == "\(session.sessionID)-redeemed")
            #expect(verification.firstBroken?.problem.contains("content") == true)

            try await tamper(
                database,
                "UPDATE \(table) SET canonical = replace(canonical, '192.0.2.1', '198.51.100.23') WHERE seq = \(redeemedSeq)")
            #expect(try await service.getJSON("/v1/verify", as: AuditVerificationAnswer.self).intact)

            try await tamper(database, "DELETE FROM \(table) WHERE seq = \(linkSeq)")
            verification = try await service.getJSON("/v1/verify", as: AuditVerificationAnswer.self)
            #expect(!verification.intact)
            #expect(verification.firstBroken?.seq == linkSeq)
            #expect(verification.firstBroken?.problem.contains("missing") == true)
        }
    }

    // MARK: - Helpers

    /// Runs `body` with audit-writer started on a database and topic set of its own; stops and drops them after.
    func withAuditWriter(
        _ body: (ServiceProcess, HarnessDatabase, HarnessTopics) async throws -> Void
    ) async throws {
        let database = try await HarnessDatabase.create("audit")
        let topics = try await HarnessTopics.create("audit")
        var service: ServiceProcess?
        do {
            service = try await ServiceProcess.start("audit-writer", database: database, topics: topics)
            try await body(service!, database, topics)
            let status = await service!.stop()
            #expect(status == 0, "audit-writer did not stop cleanly:\n\(service!.outputTail())")
        } catch {
            if let service {
                await service.stop()
                print("audit-writer log:\n\(service.outputTail())")
            }
            await topics.close()
            await database.drop()
            throw error
        }
        await topics.close()
        await database.drop()
    }

    @discardableResult
    func waitForStatus(_ status: String, _ sessionID: String, _ service: ServiceProcess) async throws
        -> AuditSessionAnswer
    {
        try await harnessEventually("session \(sessionID) \(status)") {
            let (code, data) = try await service.get("/v1/sessions/\(sessionID)", bearer: AuditTokens.operator)
            guard code == 200 else { return nil }
            let answer = try JSONDecoder().decode(AuditSessionAnswer.self, from: data)
            return answer.session.status == status ? answer : nil
        }
    }

    /// Runs `statement` as the superuser with the append-only trigger switched off for the moment.
    func tamper(_ database: HarnessDatabase, _ statement: String) async throws {
        try await database.pool.transaction(isolation: .readCommitted) { connection in
            try await connection.query("ALTER TABLE audit_writer.audit_events DISABLE TRIGGER audit_events_append_only")
            try await connection.query(statement)
            try await connection.query("ALTER TABLE audit_writer.audit_events ENABLE TRIGGER audit_events_append_only")
        }
    }
}

// MARK: - The API's answers, as a client reads them

struct AuditSessionAnswer: Decodable {
    var session: AuditSessionRow
    var events: [AuditRecord]
}

struct AuditRequestAnswer: Decodable {
    var sessions: [AuditSessionRow]
    var events: [AuditRecord]
}

struct AuditEventsPage: Decodable {
    var events: [AuditRecord]
    var next: Int64
}

struct AuditSessionRow: Decodable {
    struct Actor: Decodable {
        var platformUserId: String
        var email: String
        var role: String?
    }
    struct Target: Decodable {
        var odooUserId: Int?
        var login: String?
        var displayName: String?
        var email: String?
    }
    var sessionId: String?
    var requestId: String
    var status: String
    var actor: Actor
    var target: Target
    var reason: String?
    var clientIp: String?
    var initiatedAt: String?
    var redeemedAt: String?
    var endedAt: String?
    var browserIp: String?
    var endReason: String?
    var denialCode: String?
    var notifiedAt: String?
}

struct AuditRecord: Decodable {
    struct Envelope: Decodable {
        var id: String
        var type: String
    }
    var seq: Int64
    var eventId: String
    var type: String
    var sessionId: String?
    var hash: String
    var previousHash: String
    var event: Envelope
}

struct AuditVerificationAnswer: Decodable {
    struct Broken: Decodable {
        var seq: Int64
        var eventId: String?
        var problem: String
    }
    var intact: Bool
    var checkedRecords: Int64
    var headSeq: Int64
    var firstBroken: Broken?
}
