import ConnectAsOdoo
import ConnectAsPostgres
import ConnectAsSchema
import Crypto
import Foundation
import TestSupport
import Testing

/// The real `session-injector` executable against Kafka, PostgreSQL, the SSH server and the Odoo stand-in. Each
/// test has its own process, topics and database; serialized, because every injector joins the same consumer group.
@Suite(.serialized) struct InjectorFlowTests {
    @Test func initiateApprovedIssuesALinkForARealOdooSession() async throws {
        try await InjectorTestStack.run { stack in
            let approved = stack.approval()
            let before = Date()
            try await stack.publish(approved)

            let reply = try await stack.next(SessionLinkReply.self) { $0.requestId == approved.requestId }
            let issued = try await stack.next(SessionLinkIssued.self) { $0.sessionId == approved.sessionId }
            #expect(reply.sessionId == approved.sessionId)
            #expect(reply.url.absoluteString.hasPrefix("http://\(stack.domain)/connectas/redeem/"))
            let token = reply.url.lastPathComponent
            #expect(token.count == 43)
            #expect(abs(reply.expiresAt.timeIntervalSince(before.addingTimeInterval(300))) < 30)
            #expect(issued.target.login == "sam")
            #expect(issued.target.odooUserId == stack.standIn.userIds["sam"])
            #expect(issued.linkExpiresAt == reply.expiresAt)
            #expect(abs(issued.sessionExpiresAt.timeIntervalSince(before.addingTimeInterval(3600))) < 30)

            // The link is on the reply topic only; only its hash is stored.
            #expect(stack.observed.rawTexts.filter { $0.contains(token) }.count == 1)
            let row = try #require(
                try await stack.database.query(
                    "SELECT token_hash, status, row_to_json(sessions)::text AS everything FROM sessions "
                        + "WHERE session_id = $1", approved.sessionId
                ).first)
            #expect(try row.decode("token_hash", as: Data.self) == Data(SHA256.hash(data: Data(token.utf8))))
            #expect(try row.decode("status", as: String.self) == "issued")
            #expect(!(try row.decode("everything", as: String.self)).contains(token))

            // A real session: the request id's session exists in Odoo's store (re-creating it gives it back).
            let again = try await stack.shell.createSession(
                on: OdooTarget(snapshot: approved.environment),
                OdooSessionRequest(
                    requestId: approved.requestId, target: .login("sam"), protectAdministrators: true,
                    actorEmail: nil))
            #expect(again.reused)
            #expect(try await stack.standIn.check(cookie: again.sid.rawValue) == (200, "sam"))
            #expect(!(try row.decode("everything", as: String.self)).contains(again.sid.rawValue))
            #expect(!stack.injector.output.contains(again.sid.rawValue))
            #expect(!stack.injector.output.contains(token))
        }
    }

    @Test func redeemSetsTheOdooCookieAndRedirects() async throws {
        try await InjectorTestStack.run { stack in
            let approved = stack.approval()
            try await stack.publish(approved)
            let reply = try await stack.next(SessionLinkReply.self) { $0.requestId == approved.requestId }

            let response = try await stack.redeem(reply.url, forwardedFor: "203.0.113.77")
            #expect(response.status == 303)
            #expect(response.header("Location") == (try StackEnvironment.require("CONNECTAS_ODOO_URL")) + "/web")
            let cookie = try #require(response.header("Set-Cookie"))
            #expect(cookie.contains("; Path=/"))
            #expect(cookie.contains("; HttpOnly"))
            #expect(cookie.contains("; SameSite=Lax"))
            #expect(!cookie.contains("Secure"))  // the test's links are http
            #expect(response.header("Cache-Control") == "no-store")
            let sid = try #require(InjectorTestStack.sessionCookie(response))
            #expect(try await stack.standIn.check(cookie: sid) == (200, "sam"))

            let redeemed = try await stack.next(SessionRedeemed.self) { $0.sessionId == approved.sessionId }
            #expect(redeemed.browserIp == "203.0.113.77")
            #expect(redeemed.target.login == "sam")
            #expect(!stack.observed.rawTexts.contains { $0.contains(sid) })
            #expect(!stack.injector.output.contains(sid))

            // Used once: the same link again is gone, and says nothing more.
            let second = try await stack.redeem(reply.url)
            #expect(second.status == 410)
            #expect(second.header("Set-Cookie") == nil)
            // A link checker's HEAD does not burn anything either.
            let unknown = try await InjectorHTTP.get(
                stack.injector.url("/connectas/redeem/\(String(repeating: "A", count: 43))"))
            #expect(unknown.status == 410)
            #expect(unknown.text == second.text)
        }
    }

    @Test func concurrentRedeemsHaveExactlyOneWinner() async throws {
        try await InjectorTestStack.run { stack in
            let approved = stack.approval()
            try await stack.publish(approved)
            let reply = try await stack.next(SessionLinkReply.self) { $0.requestId == approved.requestId }

            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<12 {
                    group.addTask { try await stack.redeem(reply.url, forwardedFor: "203.0.113.\(index + 1)").status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 303 }.count == 1)
            #expect(statuses.filter { $0 == 410 }.count == 11)
            _ = try await stack.next(SessionRedeemed.self) { $0.sessionId == approved.sessionId }
            try await Task.sleep(for: .seconds(2))
            #expect(stack.observed.count(SessionRedeemed.self) { $0.sessionId == approved.sessionId } == 1)
        }
    }

    @Test func anExpiredLinkIsGoneAndItsOdooSessionDeleted() async throws {
        try await InjectorTestStack.run(settings: ["CONNECTAS_INJECTOR_LINK_TTL_SECONDS": "2"]) { stack in
            let approved = stack.approval()
            try await stack.publish(approved)
            let reply = try await stack.next(SessionLinkReply.self) { $0.requestId == approved.requestId }
            let expired = try await stack.next(LinkExpired.self, within: .seconds(30)) {
                $0.sessionId == approved.sessionId
            }
            #expect(expired.target.login == "sam")
            #expect(Date() >= reply.expiresAt)

            #expect(try await stack.redeem(reply.url).status == 410)
            // Deleted in Odoo: the request's session is gone, so Odoo refuses to hand it out again.
            await #expect {
                try await stack.shell.createSession(
                    on: OdooTarget(snapshot: approved.environment),
                    OdooSessionRequest(
                        requestId: approved.requestId, target: .login("sam"), protectAdministrators: true,
                        actorEmail: nil))
            } throws: { ($0 as? OdooShellError)?.code == .sessionGone }
            let status = try await stack.database.query(
                "SELECT status FROM sessions WHERE session_id = $1", approved.sessionId
            ).scalar(as: String.self)
            #expect(status == "expired")
        }
    }

    @Test func aLinkWhoseReplyWasNotConfirmedIsReissuedWithAFreshToken() async throws {
        try await InjectorTestStack.run { stack in
            let approved = stack.approval()
            try await stack.publish(approved)
            let first = try await stack.next(SessionLinkReply.self) { $0.requestId == approved.requestId }
            // As if the process had died between the commit and the reply: nothing confirmed it 40 s after issue.
            try await stack.database.query(
                """
                UPDATE sessions SET reply_sent_at = NULL, issued_at = now() - interval '40 seconds'
                WHERE session_id = $1
                """, approved.sessionId)
            let second = try await stack.next(SessionLinkReply.self, within: .seconds(20)) {
                $0.requestId == approved.requestId && $0.url != first.url
            }
            #expect(try await stack.redeem(first.url).status == 410)
            let response = try await stack.redeem(second.url)
            #expect(response.status == 303)
            let sid = try #require(InjectorTestStack.sessionCookie(response))
            #expect(try await stack.standIn.check(cookie: sid).status == 200)
            #expect(stack.observed.count(SessionLinkIssued.self) { $0.sessionId == approved.sessionId } == 1)
        }
    }

    @Test func endApprovedSignsTheUserOut() async throws {
        try await InjectorTestStack.run { stack in
            let approved = stack.approval()
            try await stack.publish(approved)
            let reply = try await stack.next(SessionLinkReply.self) { $0.requestId == approved.requestId }
            let sid = try #require(InjectorTestStack.sessionCookie(try await stack.redeem(reply.url)))
            #expect(try await stack.standIn.check(cookie: sid).status == 200)

            let end = stack.endApproval(approved)
            try await stack.publish(end)
            _ = try await stack.next(EndAcknowledged.self) { $0.requestId == end.requestId }
            let ended = try await stack.next(SessionEnded.self) { $0.sessionId == approved.sessionId }
            #expect(ended.endReason == .endCommand)
            #expect(ended.endedBy == approved.actor)
            #expect(ended.requestId == end.requestId)
            #expect(try await stack.standIn.check(cookie: sid).status == 303)

            // The second delete, a few seconds later (2 s here), for a request in flight that re-saved the session.
            let deadline = ContinuousClock.now + .seconds(20)
            var pending = true
            while pending && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(250))
                pending = try await stack.database.query(
                    "SELECT delete_due_at IS NOT NULL FROM sessions WHERE session_id = $1", approved.sessionId
                ).scalar(as: Bool.self)
            }
            #expect(!pending)

            // Ending it again is acknowledged again, without a second event.
            let again = stack.endApproval(approved)
            try await stack.publish(again)
            _ = try await stack.next(EndAcknowledged.self) { $0.requestId == again.requestId }
            #expect(stack.observed.count(SessionEnded.self) { $0.sessionId == approved.sessionId } == 1)
        }
    }

    @Test func duplicateDeliveryMakesOneSessionAndOneLinkEvent() async throws {
        try await InjectorTestStack.run { stack in
            let approved = stack.approval()
            // The same event three times (redelivery), then the same approval under another event id.
            for _ in 0..<3 { try await stack.publish(approved, id: "approval-\(approved.sessionId)") }
            try await stack.publish(approved, id: "approval-\(approved.sessionId)-again")
            _ = try await stack.next(SessionLinkIssued.self) { $0.sessionId == approved.sessionId }
            let marker = stack.endApproval(approved, sessionId: "ses-none")
            try await stack.publish(marker)
            // Processed in order on one partition: when the marker is answered, every duplicate was handled.
            let unknown = try await stack.next(RequestDeniedReply.self) { $0.requestId == marker.requestId }
            #expect(unknown.code == .sessionNotFound)
            #expect(try await stack.next(EndDenied.self) { $0.requestId == marker.requestId }.code == .sessionNotFound)

            #expect(stack.observed.count(SessionLinkIssued.self) { $0.sessionId == approved.sessionId } == 1)
            #expect(stack.observed.count(SessionLinkReply.self) { $0.requestId == approved.requestId } == 1)
            let rows = try await stack.database.query(
                "SELECT count(*) FROM sessions WHERE request_id = $1", approved.requestId
            ).scalar(as: Int.self)
            #expect(rows == 1)
        }
    }

    @Test func revokeDeletesTheSessionAtOnceAndKillsTheLink() async throws {
        try await InjectorTestStack.run { stack in
            // Revoked after redeem: the user is signed out.
            let redeemedOne = stack.approval()
            try await stack.publish(redeemedOne)
            let link = try await stack.next(SessionLinkReply.self) { $0.requestId == redeemedOne.requestId }
            let sid = try #require(InjectorTestStack.sessionCookie(try await stack.redeem(link.url)))
            let revoke = stack.revokeApproval(redeemedOne)
            try await stack.publish(revoke)
            _ = try await stack.next(RevokeAcknowledged.self) { $0.requestId == revoke.requestId }
            let revoked = try await stack.next(SessionRevoked.self) { $0.sessionId == redeemedOne.sessionId }
            #expect(revoked.revokedBy == revoke.actor)
            #expect(revoked.reason == "engineer left the call")
            #expect(try await stack.standIn.check(cookie: sid).status == 303)

            // Revoked before redeem: the link is dead.
            let unused = stack.approval()
            try await stack.publish(unused)
            let unusedLink = try await stack.next(SessionLinkReply.self) { $0.requestId == unused.requestId }
            let revokeUnused = stack.revokeApproval(unused)
            try await stack.publish(revokeUnused)
            _ = try await stack.next(RevokeAcknowledged.self) { $0.requestId == revokeUnused.requestId }
            #expect(try await stack.redeem(unusedLink.url).status == 410)

            // Ending a revoked session is refused as not active.
            let end = stack.endApproval(unused)
            try await stack.publish(end)
            let refused = try await stack.next(RequestDeniedReply.self) { $0.requestId == end.requestId }
            #expect(refused.code == .sessionNotActive)
            #expect(refused.command == .endSession)
        }
    }

    @Test func targetRulesFromOdooBecomeDenials() async throws {
        try await InjectorTestStack.run { stack in
            let cases: [(TargetSelector, DenialCode)] = [
                (.login("ada"), .targetProtectedAdministrator), (.login("old"), .targetInactive),
                (.login("eng"), .targetIsSelf), (.login("nobody"), .targetNotFound),
            ]
            for (target, code) in cases {
                let approved = stack.approval(target: target)
                try await stack.publish(approved)
                let denied = try await stack.next(InitiateDenied.self) { $0.requestId == approved.requestId }
                #expect(denied.code == code)
                #expect(denied.sessionId == approved.sessionId)
                let reply = try await stack.next(RequestDeniedReply.self) { $0.requestId == approved.requestId }
                #expect(reply.code == code)
                #expect(reply.command == .initiateSession)
            }
            #expect(stack.observed.all(SessionLinkIssued.self).isEmpty)
        }
    }

    @Test func aHostKeyMismatchFailsTheSessionAtOnce() async throws {
        try await InjectorTestStack.run { stack in
            var server = stack.standIn.server
            server.hostKeyFingerprint = "SHA256:" + String(repeating: "A", count: 43)
            let approved = stack.approval(server: server)
            let started = ContinuousClock.now
            try await stack.publish(approved)
            let failed = try await stack.next(SessionFailed.self) { $0.sessionId == approved.sessionId }
            #expect(failed.code == .hostKeyMismatch)
            #expect(failed.stage == .sshHostKey)
            let reply = try await stack.next(RequestFailedReply.self) { $0.requestId == approved.requestId }
            #expect(reply.code == .hostKeyMismatch)
            // Not retried: the retries' backoff alone would take 3 s.
            #expect(started.duration(to: .now) < .seconds(20))
            #expect(!stack.injector.output.contains("create_session failed, will try again"))
        }
    }

    @Test func listUsersApprovedRepliesWithTheActiveUsers() async throws {
        try await InjectorTestStack.run { stack in
            let environment = stack.standIn.snapshot(domain: stack.domain)
            let list = ListUsersApproved(
                requestId: "list-\(UUID().uuidString.prefix(8))", orgId: "org-test", environmentId: "env-test",
                actor: PlatformActor(platformUserId: "u-eng", email: "engineer@platform.example"), actorRole: .owner,
                search: nil, environment: environment)
            try await stack.publish(list)
            let reply = try await stack.next(UsersListReply.self) { $0.requestId == list.requestId }
            #expect(Set(reply.users.map(\.login)) == ["sam", "ada", "eng"])
            #expect(reply.users.first { $0.login == "ada" }?.isAdministrator == true)
        }
    }

    @Test func theMaximumDurationEndsARedeemedSession() async throws {
        try await InjectorTestStack.run { stack in
            let approved = stack.approval(maxDuration: 4)
            try await stack.publish(approved)
            let reply = try await stack.next(SessionLinkReply.self) { $0.requestId == approved.requestId }
            let sid = try #require(InjectorTestStack.sessionCookie(try await stack.redeem(reply.url)))
            let ended = try await stack.next(SessionEnded.self, within: .seconds(30)) {
                $0.sessionId == approved.sessionId
            }
            #expect(ended.endReason == .maxDuration)
            #expect(ended.requestId == approved.requestId)
            #expect(ended.endedBy == nil)
            #expect(try await stack.standIn.check(cookie: sid).status == 303)
        }
    }
}
