import ConnectAsSchema
import Foundation
import Testing
import TestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Services killed with SIGKILL while requests are in flight, then started again: every request still gets
/// exactly one decision, one session and one link (the idempotent consumers, the outbox and the injector's
/// idempotent Odoo script at work).
@Suite(.serialized) struct CrashRecoveryTests {
    @Test func killedServicesLoseNothingAndDuplicateNothing() async throws {
        let harness = try await SuiteHarness.start()
        do {
            let requests = try await SessionLifeTests.initiateSixAcrossTwoEnvironments(
                harness, label: "Crash recovery check", firstAddress: 10)
            // Killed as soon as the first link is out, so the other requests are somewhere in flight.
            _ = try await harness.replies.reply(for: requests[0], timeout: .seconds(60))
            harness.kill9("policy-service")
            harness.kill9("session-injector")
            try await harness.restart("policy-service")
            try await harness.restart("session-injector")

            for requestID in requests.dropFirst() {
                let reply = try await harness.replies.reply(for: requestID, timeout: .seconds(90)).reply
                guard case .sessionLinkReply = reply.message else {
                    Issue.record("request \(requestID) got \(reply.message)")
                    continue
                }
                let record = try await Self.request(harness, requestID, untilEventTypes: 2)
                let types = record.events.map { $0["type"] as? String ?? "" }
                #expect(types.filter { $0.contains("InitiateApproved") }.count == 1, "\(types)")
                #expect(types.filter { $0.contains("SessionLinkIssued") }.count == 1, "\(types)")
                #expect(record.sessions.count == 1, "\(record.sessions)")
            }
            let first = try await Self.request(harness, requests[0], untilEventTypes: 2)
            #expect(first.events.filter { ($0["type"] as? String ?? "").contains("SessionLinkIssued") }.count == 1)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    /// audit-writer and notifier killed while six redeems stream through them: each session is redeemed once in
    /// the audit, notified once (one NotificationSent), e-mailed under one Message-ID, and the hash chain is whole.
    /// E-mail itself is at-least-once: a kill between the SMTP server's OK and the commit sends the same message
    /// (same Message-ID, which receivers deduplicate) again.
    @Test func killedAuditWriterAndNotifierKeepOneRecordAndOneNotificationPerSession() async throws {
        let harness = try await SuiteHarness.start()
        do {
            let requests = try await SessionLifeTests.initiateSixAcrossTwoEnvironments(
                harness, label: "Crash recovery check", firstAddress: 20)
            let links = try await SessionLifeTests.links(harness, for: requests)
            #expect(try CurlResponse.get(links[0].url.absoluteString).status == 303)
            harness.kill9("audit-writer")
            harness.kill9("notifier")
            for link in links.dropFirst() { #expect(try CurlResponse.get(link.url.absoluteString).status == 303) }
            try await harness.restart("audit-writer")
            try await harness.restart("notifier")

            for link in links {
                let trail = try await SessionLifeTests.auditTrail(
                    harness, session: link.sessionId, until: "redeemed", withEvent: "NotificationSent")
                let types = (trail["events"] as? [[String: Any]] ?? []).map { $0["type"] as? String ?? "" }
                #expect(types.filter { $0.contains(".SessionRedeemed.") }.count == 1, "\(types)")
                #expect(types.filter { $0.contains(".NotificationSent.") }.count == 1, "\(types)")
                let messageIDs = try MaildirMessage.all(containing: link.sessionId).map(\.messageID)
                #expect(messageIDs.count >= 1 && Set(messageIDs).count == 1, "\(messageIDs)")
            }
            let verify = try await Self.json("\(harness.auditBase)/v1/verify")
            #expect(verify["intact"] as? Bool == true, "\(verify)")
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    static func json(_ url: String) async throws -> [String: Any] {
        let (data, _) = try await URLSession.shared.data(for: AuditTokens.request(URL(string: url)!))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// audit-writer's record of one request, once it holds at least `count` events.
    static func request(_ harness: SuiteHarness, _ requestID: String, untilEventTypes count: Int) async throws
        -> (sessions: [[String: Any]], events: [[String: Any]])
    {
        let url = URL(string: "\(harness.auditBase)/v1/requests/\(requestID)")!
        var last: (sessions: [[String: Any]], events: [[String: Any]]) = ([], [])
        for _ in 0..<300 {
            if let (data, response) = try? await URLSession.shared.data(for: AuditTokens.request(url)),
                (response as? HTTPURLResponse)?.statusCode == 200,
                let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            {
                last = (object["sessions"] as? [[String: Any]] ?? [], object["events"] as? [[String: Any]] ?? [])
                if last.events.count >= count { break }
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        // A moment more, so a duplicate that was on its way would be there too.
        try await Task.sleep(for: .seconds(1))
        if let (data, _) = try? await URLSession.shared.data(for: AuditTokens.request(url)),
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        {
            last = (object["sessions"] as? [[String: Any]] ?? [], object["events"] as? [[String: Any]] ?? [])
        }
        return last
    }
}
