import ConnectAsPlatform
import ConnectAsSchema
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Testing
import TestSupport

/// One Connect As session through all four services, as real processes against the real stack: the walking
/// skeleton end to end, and the link's two hard cases (a race between two redeems, a redeem after expiry).
@Suite(.serialized) struct SessionLifeTests {
    static let actor = PlatformActor(platformUserId: "alice", email: "alice@hosting.example")

    /// Publishes an org, its owner and a running environment on the SSH target with the Odoo stand-in.
    static func seed(
        _ harness: SuiteHarness, org: String = "acme", environment: String = "acme-prod", sshPort: Int? = nil,
        maxSessionSeconds: Int = PolicySettings.defaultMaxSessionDurationSeconds
    ) async throws {
        let command = try StackEnvironment.require("CONNECTAS_ODOO_COMMAND").split(separator: " ").map(String.init)
        let orgEvent = try await harness.platform.publish(
            OrgState(
                orgId: org, plan: .starter, notifications: NotificationSettings(channels: [.email], language: .english),
                policy: PolicySettings(protectAdministrators: true, maxSessionDurationSeconds: maxSessionSeconds)))
        let memberEvent = try await harness.platform.publish(
            MemberState(orgId: org, platformUserId: actor.platformUserId, email: actor.email, role: .owner))
        let environmentEvent = try await harness.platform.publish(
            EnvironmentState(
                environmentId: environment, orgId: org, status: .running, domain: "127.0.0.1",
                server: ServerEndpoint(
                    host: try StackEnvironment.require("CONNECTAS_SSH_HOST"),
                    port: sshPort ?? Int(try StackEnvironment.require("CONNECTAS_SSH_PORT"))!,
                    user: try StackEnvironment.require("CONNECTAS_SSH_USER"),
                    hostKeyFingerprint: try StackEnvironment.require("CONNECTAS_SSH_HOST_FINGERPRINT")),
                odooVersion: "17.0", database: try StackEnvironment.require("CONNECTAS_ODOO_DB"),
                runtime: .host(command: command, runAsUser: nil), preflight: Preflight(ok: true)))
        // The contract's state-before-commands rule: a command sent after StateApplied is decided on that state.
        for id in [orgEvent.id, memberEvent.id, environmentEvent.id] {
            let applied = try await harness.replies.reply(for: id, timeout: .seconds(60)).reply
            guard case .stateApplied(let state) = applied.message, state.stateEventId == id else {
                throw HarnessError("expected StateApplied for \(id), got \(applied.message)")
            }
        }
        try await harness.waitUntilPolicyKnows(org: org, member: actor.platformUserId, environment: environment)
    }

    /// Seeds acme-prod and acme-stage and asks for three sessions on each (the per-environment limit per minute),
    /// each from an address of its own; the request ids, in the order sent.
    static func initiateSixAcrossTwoEnvironments(
        _ harness: SuiteHarness, label: String, firstAddress: Int
    ) async throws -> [String] {
        try await seed(harness)
        try await seed(harness, environment: "acme-stage")
        let requests = (0..<6).map { _ in UUID().uuidString.lowercased() }
        for (index, requestID) in requests.enumerated() {
            try await harness.platform.publish(
                InitiateSession(
                    requestId: requestID, orgId: "acme", environmentId: index % 2 == 0 ? "acme-prod" : "acme-stage",
                    actor: actor, target: .login("demo.user"), reason: "\(label) number \(index)",
                    clientIp: "203.0.113.\(index + firstAddress)", userAgent: "integration"))
        }
        return requests
    }

    /// The link each request got, in order; a request answered otherwise fails the test.
    static func links(_ harness: SuiteHarness, for requests: [String]) async throws -> [SessionLinkReply] {
        var links: [SessionLinkReply] = []
        for requestID in requests {
            let reply = try await harness.replies.reply(for: requestID, timeout: .seconds(60)).reply
            guard case .sessionLinkReply(let link) = reply.message else {
                Issue.record("request \(requestID) got \(reply.message)")
                throw HarnessError("no link")
            }
            links.append(link)
        }
        return links
    }

    /// Asks for a session as `login` and returns the link reply.
    static func initiate(
        _ harness: SuiteHarness, login: String = "demo.user", environment: String = "acme-prod",
        requestID: String = UUID().uuidString.lowercased()
    ) async throws -> SessionLinkReply {
        try await harness.platform.publish(
            InitiateSession(
                requestId: requestID, orgId: "acme", environmentId: environment, actor: actor, target: .login(login),
                reason: "Customer reported invoice view error", clientIp: "203.0.113.7", userAgent: "integration"))
        let reply = try await harness.replies.reply(for: requestID, timeout: .seconds(60)).reply
        guard case .sessionLinkReply(let link) = reply.message else {
            Issue.record("expected a link, got \(reply.message); injector log: \(harness.log(of: "session-injector"))")
            throw HarnessError("no link")
        }
        return link
    }

    /// The audit-writer's view of a session, once `status` is reached.
    static func auditTrail(
        _ harness: SuiteHarness, session: String, until status: String, withEvent event: String? = nil
    ) async throws -> [String: Any] {
        let url = URL(string: "\(harness.auditBase)/v1/sessions/\(session)")!
        var last: [String: Any] = [:]
        for _ in 0..<300 {  // up to a minute: a restarted service first waits out its old member's session
            if let (data, response) = try? await URLSession.shared.data(for: AuditTokens.request(url)),
                (response as? HTTPURLResponse)?.statusCode == 200,
                let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            {
                last = object
                let types = (object["events"] as? [[String: Any]] ?? []).map { $0["type"] as? String ?? "" }
                if (object["session"] as? [String: Any])?["status"] as? String == status,
                    event.map({ wanted in types.contains { $0.contains(".\(wanted).") } }) ?? true
                {
                    return object
                }
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        Issue.record("the session never reached \(status) (with \(event ?? "any event")) in the audit; last: \(last)")
        return last
    }

    @Test func aSessionLivesAndEndsAcrossTheFourServices() async throws {
        let harness = try await SuiteHarness.start()
        do {
            try await Self.seed(harness)
            let link = try await Self.initiate(harness)
            #expect(link.url.absoluteString.hasPrefix(harness.redeemBase + "/connectas/redeem/"))

            // Redeem: a 303 to Odoo's /web that sets the session cookie, which Odoo accepts as the target user.
            let redeemed = try CurlResponse.get(link.url.absoluteString)
            #expect(redeemed.status == 303)
            #expect(redeemed.header("location") == "\(harness.odooURL)/web")
            let cookie = try #require(redeemed.cookie("session_id"))
            let setCookie = redeemed.header("set-cookie") ?? ""
            #expect(setCookie.contains("HttpOnly"))
            #expect(!link.url.absoluteString.contains(cookie), "the Odoo session id must never be in the link")
            let odoo = try CurlResponse.get("\(harness.odooURL)/web", cookie: "session_id=\(cookie)")
            #expect(odoo.status == 200)
            #expect(odoo.body.contains("\"login\": \"demo.user\""))

            // End: the Odoo session is deleted, and the same cookie is refused.
            let requestID = UUID().uuidString.lowercased()
            try await harness.platform.publish(
                EndSession(
                    requestId: requestID, orgId: "acme", environmentId: "acme-prod", sessionId: link.sessionId,
                    actor: Self.actor, reason: "done"))
            let ended = try await harness.replies.reply(for: requestID, timeout: .seconds(60)).reply
            guard case .endAcknowledged = ended.message else {
                Issue.record("expected EndAcknowledged, got \(ended.message)")
                throw HarnessError("not ended")
            }
            let after = try CurlResponse.get("\(harness.odooURL)/web", cookie: "session_id=\(cookie)")
            #expect(after.status == 303)
            #expect(after.header("location")?.contains("/web/login") == true)

            // The audit trail has the whole life, and the user got an e-mail about it.
            let trail = try await Self.auditTrail(harness, session: link.sessionId, until: "ended")
            let text = "\(trail)"
            for type in ["InitiateApproved", "SessionLinkIssued", "SessionRedeemed", "SessionEnded"] {
                #expect(text.contains(type), "audit trail lacks \(type)")
            }
            #expect(!text.contains(link.url.absoluteString), "the link must never reach the audit")
            #expect(!text.contains(cookie), "the Odoo session id must never reach the audit")
            // The maildir is the stack's, shared with every earlier run: the message is found by its session.
            let mail = try await Self.mail(in: harness.maildir, mentioning: link.sessionId)
            #expect(mail.contains("Marc Demo"))
            #expect(mail.contains("marc.demo@example.com"))
            #expect(mail.contains("alice@hosting.example"))

            try Self.expectNoSecretKept(by: harness, token: link.url.lastPathComponent, sid: cookie, session: link)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    @Test func twoConcurrentRedeemsOfOneLinkLetExactlyOneIn() async throws {
        let harness = try await SuiteHarness.start()
        do {
            try await Self.seed(harness)
            let link = try await Self.initiate(harness)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 {
                    group.addTask { try CurlResponse.get(link.url.absoluteString).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 303 }.count == 1, "statuses: \(statuses)")
            #expect(statuses.filter { $0 == 410 }.count == 7, "statuses: \(statuses)")
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    @Test func linksRedeemedAfterTheyExpiredAreRefusedAndTheirSessionsDeleted() async throws {
        let harness = try await SuiteHarness.start(extraEnvironment: ["CONNECTAS_INJECTOR_LINK_TTL_SECONDS": "3"])
        do {
            try await Self.seed(harness)
            // Three links that expire within a moment of each other: the timer deletes their sessions together.
            var links: [SessionLinkReply] = []
            for _ in 0..<3 { links.append(try await Self.initiate(harness)) }
            try await Task.sleep(for: .seconds(5))
            for link in links {
                let late = try CurlResponse.get(link.url.absoluteString)
                #expect(late.status == 410)
                #expect(late.cookie("session_id") == nil)
                let trail = try await Self.auditTrail(harness, session: link.sessionId, until: "expired")
                #expect("\(trail)".contains("LinkExpired"))
                // The Odoo session made for the link is gone from the store on the server.
                #expect(try Self.standInSessionExists(for: link) == false)
            }
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    /// DESIGN.md section 4 over everything the four services wrote while running at debug level: the one-time
    /// token and the Odoo session id are in no log and no table (only the token's hash and the sealed id are), and
    /// neither the SSH private key nor the database password is in any log.
    static func expectNoSecretKept(
        by harness: SuiteHarness, token: String, sid: String, session link: SessionLinkReply
    ) throws {
        let dump = try harness.databaseDump()
        #expect(dump.contains(link.sessionId), "the dump should hold the session's rows")
        #expect(!dump.contains(token), "the one-time token is stored in clear")
        #expect(!dump.contains(sid), "the Odoo session id is stored in clear")
        let keyFile = try StackEnvironment.require("CONNECTAS_SSH_KEY_ED25519")
        let keyLines = try String(contentsOfFile: keyFile, encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("-----") && $0.count >= 16 }
        #expect(!keyLines.isEmpty)
        let databasePassword = try #require(URLComponents(string: harness.adminURL)?.password)
        for service in SuiteHarness.services {
            let log = harness.log(of: service)
            #expect(!log.isEmpty, "\(service) wrote no log")
            #expect(!log.contains(token), "\(service) logged the one-time token")
            #expect(!log.contains(sid), "\(service) logged the Odoo session id")
            #expect(!log.contains(databasePassword), "\(service) logged the database password")
            for line in keyLines { #expect(!log.contains(line), "\(service) logged the SSH private key") }
        }
    }

    /// A message in the SMTP server's maildir that mentions `text` (something only one message holds, such as a
    /// session id).
    static func mail(in maildir: String, mentioning text: String) async throws -> String {
        let folder = URL(fileURLWithPath: maildir).appendingPathComponent("new")
        for _ in 0..<100 {
            let files = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
            for file in files {
                if let body = try? String(contentsOf: file, encoding: .utf8), body.contains(text) { return body }
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        Issue.record("no e-mail mentioning \(text) in \(maildir)")
        return ""
    }

    /// Whether the Odoo session the stand-in issued for the link's request is still in its store. The production
    /// script indexes it under sessions/connectas/sha256("<db>\n<request id>"); Odoo 17 keeps it at
    /// sessions/<sid[:2]>/<sid>.
    static func standInSessionExists(for link: SessionLinkReply) throws -> Bool {
        let sessions = try StackEnvironment.require("CONNECTAS_ODOO_STANDIN_DIR") + "/data/sessions"
        let database = try StackEnvironment.require("CONNECTAS_ODOO_DB")
        let digest = try shell("printf '%s\\n%s' \"$0\" \"$1\" | sha256sum | cut -d' ' -f1", database, link.requestId)
        let index = "\(sessions)/connectas/\(digest)"
        guard let sid = try? String(contentsOfFile: index, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        else {
            Issue.record("the stand-in has no index for request \(link.requestId) at \(index)")
            return true
        }
        return FileManager.default.fileExists(atPath: "\(sessions)/\(sid.prefix(2))/\(sid)")
    }

    static func shell(_ script: String, _ arguments: String...) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
