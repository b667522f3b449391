import ConnectAsPlatform
import ConnectAsSchema
import Foundation

/// The platform's side of a chaos run: state, then initiations that are redeemed in a browser's way (through
/// whichever injector replica answers, as behind a load balancer), and a part of them ended or revoked.
struct ChaosLoad {
    /// What became of one initiation, as the platform and the browser saw it.
    struct Outcome: Sendable {
        enum Close: String, Sendable { case none, end, revoke }

        let requestID: String
        let close: Close
        var sessionID: String?
        var problem: String?
        /// The browser got its cookie; nil when the link was answered but the answer was lost (a kill mid-request).
        var cookie: String?
        var redeemAttempts = 0
        var closeRequestID: String?
        var closeAcknowledged = false
    }

    let connection: ConnectionOptions
    let replies: ReplyCollector
    let stack: BenchStack
    let injectorPorts: [Int]
    let org: String
    let environments: Int

    static let owner = "chaos-owner"
    static let ownerEmail = "owner@chaos.example"
    static let replyTimeout = Duration.seconds(240)

    func environment(_ index: Int) -> String { "\(org)-env-\(index % environments)" }

    /// Publishes the org, its owner and the environments, and waits until policy-service applied each.
    func seed() async throws {
        var ids: [String] = []
        try await PlatformPublisher.with(connection) { publisher in
            ids.append(
                try await publisher.publish(
                    OrgState(
                        orgId: org, plan: .professional,
                        notifications: NotificationSettings(channels: [.email], language: .english),
                        policy: PolicySettings(protectAdministrators: false))
                ).attributes.id)
            ids.append(
                try await publisher.publish(
                    MemberState(orgId: org, platformUserId: Self.owner, email: Self.ownerEmail, role: .owner)
                ).attributes.id)
            for index in 0..<environments {
                ids.append(
                    try await publisher.publish(
                        EnvironmentState(
                            environmentId: environment(index), orgId: org, status: .running, domain: stack.domain,
                            server: stack.target.endpoint, odooVersion: "17.0", database: stack.database,
                            runtime: .host(command: stack.command, runAsUser: nil), preflight: Preflight(ok: true))
                    ).attributes.id)
            }
        }
        for id in ids { _ = try await replies.reply(for: id, timeout: Self.replyTimeout) }
    }

    /// Runs `count` initiations, `concurrency` at a time; every third is ended and every sixth revoked once redeemed.
    func run(count: Int, concurrency: Int, network: Int) async throws -> [Outcome] {
        try await PlatformPublisher.with(connection) { publisher in
            try await withThrowingTaskGroup(of: Outcome.self) { group in
                var outcomes: [Outcome] = []
                var next = 0
                func add() {
                    let index = next
                    next += 1
                    group.addTask { await one(index, publisher: publisher, network: network) }
                }
                for _ in 0..<min(concurrency, count) { add() }
                while let outcome = try await group.next() {
                    outcomes.append(outcome)
                    if outcomes.count % 50 == 0 { say("  \(outcomes.count) of \(count) initiations done") }
                    if next < count { add() }
                }
                return outcomes
            }
        }
    }

    private func one(_ index: Int, publisher: PlatformPublisher, network: Int) async -> Outcome {
        let requestID = UUID().uuidString.lowercased()
        let close: Outcome.Close = index % 6 == 1 ? .revoke : index % 3 == 0 ? .end : .none
        var outcome = Outcome(requestID: requestID, close: close)
        do {
            let command = InitiateSession(
                requestId: requestID, orgId: org, environmentId: environment(index),
                actor: PlatformActor(platformUserId: Self.owner, email: Self.ownerEmail), target: .login("demo.user"),
                reason: "chaos run: initiation \(index)",
                clientIp: "10.\(network).\(index / 250).\(index % 250 + 1)", userAgent: "connectas-chaos")
            _ = try await publisher.publish(command)
            let reply = try await replies.reply(for: requestID, timeout: Self.replyTimeout).reply
            guard case .sessionLinkReply(let link) = reply.message else {
                outcome.problem = "initiation answered \(reply.type)"
                return outcome
            }
            outcome.sessionID = link.sessionId
            try await redeem(link.url, into: &outcome)
            guard close != .none, outcome.problem == nil else { return outcome }
            let closeID = UUID().uuidString.lowercased()
            outcome.closeRequestID = closeID
            let actor = PlatformActor(platformUserId: Self.owner, email: Self.ownerEmail)
            if close == .end {
                _ = try await publisher.publish(
                    EndSession(
                        requestId: closeID, orgId: org, environmentId: environment(index), sessionId: link.sessionId,
                        actor: actor, reason: nil))
            } else {
                _ = try await publisher.publish(
                    RevokeSession(
                        requestId: closeID, orgId: org, environmentId: environment(index), sessionId: link.sessionId,
                        actor: actor, reason: "chaos run revokes"))
            }
            let closed = try await replies.reply(for: closeID, timeout: Self.replyTimeout).reply
            switch closed.message {
            case .endAcknowledged, .revokeAcknowledged: outcome.closeAcknowledged = true
            default: outcome.problem = "\(close.rawValue) answered \(closed.type)"
            }
        } catch {
            outcome.problem = "\(error)"
        }
        return outcome
    }

    /// Opens the link as a browser would, through the next injector replica when one does not answer (or answers
    /// 503 while PostgreSQL is restarting), for up to two minutes.
    private func redeem(_ url: URL, into outcome: inout Outcome) async throws {
        let deadline = ContinuousClock.now + .seconds(120)
        var interrupted = false
        while ContinuousClock.now < deadline {
            let port = injectorPorts[outcome.redeemAttempts % injectorPorts.count]
            outcome.redeemAttempts += 1
            var components = URLComponents(url: url, resolvingAgainstBaseURL: false)!
            components.port = port
            let (status, cookie) = try Self.get(components.url!)
            switch status {
            case 303:
                outcome.cookie = cookie
                return
            case 410 where interrupted:
                // An earlier attempt reached a replica that burnt the link and was killed before it answered.
                return
            case 0, 500...599:
                interrupted = interrupted || status == 0
                try await Task.sleep(for: .milliseconds(300))
            default:
                outcome.problem = "redeem answered HTTP \(status)"
                return
            }
        }
        outcome.problem = "redeem did not succeed within 120 s"
    }

    /// One GET with curl, not following the redirect: the status and the `session_id` cookie set.
    static func get(_ url: URL, cookie: String? = nil) throws -> (status: Int, cookie: String?) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        var arguments = ["-s", "-o", "/dev/null", "-D", "-", "-w", "\n%{http_code}", "--max-time", "30"]
        if let cookie { arguments += ["-b", "session_id=\(cookie)"] }
        process.arguments = arguments + [url.absoluteString]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
        let status = lines.last.flatMap { Int($0) } ?? 0
        let set = lines.first { $0.lowercased().hasPrefix("set-cookie: session_id=") }
        let value = set.map { String($0.dropFirst("set-cookie: session_id=".count).prefix { $0 != ";" }) }
        return (status, value)
    }
}
