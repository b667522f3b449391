import ArgumentParser
import ConnectAsPlatform
import ConnectAsPostgres
import ConnectAsSchema
import Foundation
import Logging
import Synchronization

/// The operator's resilience check: every service run as several replicas, initiations redeemed and partly ended
/// or revoked while random replicas are killed with SIGKILL and started again and PostgreSQL is restarted (as in a
/// crash), then every invariant of the suite counted. Exits 1 on any violation. `scripts/chaos` prepares the
/// stack, builds the services and runs this.
struct Chaos: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Kill replicas under load and count what broke.")

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Initiations to send.") var count = 300
    @Option(help: "Initiations in flight at once.") var concurrency = 8
    @Option(help: "Replicas of every service.") var replicas = 2
    @Option(help: "Directory holding the service executables.") var bin: String
    @Option(help: "HTTP port of the first replica; the others follow (+1 per service, +100 per copy).")
    var basePort = 18181
    @Option(help: "Shortest pause between two kills, in seconds.") var killMin = 1.0
    @Option(help: "Longest pause between two kills, in seconds.") var killMax = 4.0
    @Option(help: "Seconds into the load when PostgreSQL is restarted (once).") var postgresAfter = 20.0
    @Option(help: "Seconds to wait, after the load, for the suite to settle before counting.") var settle = 180

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        func require(_ name: String) throws -> String {
            guard let value = environment[name], !value.isEmpty else {
                throw CLIError("\(name) is not set: scripts/chaos sets up the stack and the services' settings")
            }
            return value
        }
        let stackDirectory = try require("CONNECTAS_STACK_DIR")
        let stack = try BenchStack()
        let run = String(UUID().uuidString.prefix(8).lowercased())
        let started = Date()
        let group = try ChaosReplicas(
            binDirectory: URL(fileURLWithPath: bin),
            logDirectory: URL(fileURLWithPath: "\(stackDirectory)/services/chaos-\(run)"), basePort: basePort,
            count: replicas,
            overrides: [
                "CONNECTAS_INJECTOR_LINK_BASE_URL": "http://127.0.0.1:\(basePort + 1)",
                "CONNECTAS_LOG_LEVEL": environment["CONNECTAS_LOG_LEVEL"] ?? "notice",
            ])
        say("chaos run \(run): \(count) initiations, \(replicas) replicas of every service (logs in \(stackDirectory)/services/chaos-\(run))")
        defer { group.stopAll() }
        try await group.startAll()
        let recorder = try await ChaosRecorder.start(connection)
        let replies = try await ReplyCollector.start(connection)
        try await replies.waitUntilAssigned()
        let load = ChaosLoad(
            connection: connection, replies: replies, stack: stack,
            injectorPorts: group.ports(of: "session-injector"), org: "chaos-\(run)", environments: (count + 2) / 3)
        try await load.seed()
        say("state applied; sending the initiations while replicas are killed…")

        let stop = StopFlag()
        let killer = Task { try await Self.kill(group, until: stop, pause: killMin...killMax, postgresAfter: postgresAfter, stackDirectory: stackDirectory) }
        let loadStarted = ContinuousClock.now
        let outcomes: [ChaosLoad.Outcome]
        do {
            outcomes = try await load.run(count: count, concurrency: concurrency, network: Int.random(in: 0...255))
        } catch {
            stop.raise()
            _ = try? await killer.value
            throw error
        }
        stop.raise()
        let chaos = try await killer.value
        let loadSeconds = (ContinuousClock.now - loadStarted).milliseconds / 1000
        let exited = chaos.exitedOnTheirOwn + (try await group.reviveAll())

        let postgres = try PostgresPool(
            configuration: PostgresConfiguration(url: try require("CONNECTAS_PG_ADMIN_URL"), maxConnections: 1,
                applicationName: "connectas-chaos"),
            logger: connection.logger)
        let auditPort = group.ports(of: "audit-writer")[0]
        let maildir = try require("CONNECTAS_SMTP_MAILDIR")
        let odooURL = try require("CONNECTAS_ODOO_URL")
        let standIn = try require("CONNECTAS_ODOO_STANDIN_DIR")
        func invariants() -> ChaosInvariants {
            ChaosInvariants(
                outcomes: outcomes, seen: recorder.seen, undecodable: recorder.undecodable, org: load.org,
                topics: (connection.topic(DefaultTopic.events), connection.topic(DefaultTopic.replies),
                    connection.topic(DefaultTopic.deadLetters)),
                postgres: postgres, auditBase: "http://127.0.0.1:\(auditPort)",
                maildir: URL(fileURLWithPath: maildir), odooURL: odooURL,
                sessionDirectory: URL(fileURLWithPath: "\(standIn)/data/sessions"),
                database: stack.database, runStarted: started)
        }
        say("load done in \(String(format: "%.1f", loadSeconds)) s; waiting up to \(settle) s for the suite to settle…")
        let settleStarted = ContinuousClock.now
        var findings = try await invariants().check()
        while findings.contains(where: { $0.violations > 0 }), ContinuousClock.now - settleStarted < .seconds(settle) {
            try await Task.sleep(for: .seconds(5))
            findings = try await invariants().check()
        }
        // A moment more, so a duplicate still on its way is counted too.
        try await Task.sleep(for: .seconds(3))
        findings = try await invariants().check()
        let settleSeconds = (ContinuousClock.now - settleStarted).milliseconds / 1000
        await recorder.stop()
        await replies.stop()

        say(
            """

            kills (SIGKILL, then started again): \(chaos.kills.values.reduce(0, +)) — \
            \(chaos.kills.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            PostgreSQL restarts (immediate): \(chaos.postgresRestarts)
            replicas found exited without being killed: \(exited.count)\(exited.isEmpty ? "" : " (\(exited.joined(separator: ", ")))")
            load: \(String(format: "%.1f", loadSeconds)) s; settled after \(String(format: "%.1f", settleSeconds)) s; \
            \(recorder.seen.count) records seen on the run's topics

            invariant                                                             checked  violations
            """)
        for finding in findings {
            let name = finding.name.count > 68 ? String(finding.name.prefix(67)) + "…" : finding.name
            say(
                name.padding(toLength: 70, withPad: " ", startingAt: 0)
                    + String(format: "%7d  %10d", finding.checked, finding.violations)
                    + (finding.example.map { "   e.g. \($0)" } ?? ""))
        }
        let violations = findings.map(\.violations).reduce(0, +) + exited.count
        say("\n\(violations == 0 ? "clean" : "\(violations) violations")")
        if violations > 0 { throw ExitCode(1) }
    }

    struct Mayhem: Sendable {
        var kills: [String: Int] = [:]
        var postgresRestarts = 0
        /// Replicas the killer found already gone: they exited by themselves, which is a finding.
        var exitedOnTheirOwn: [String] = []
    }

    /// Until `stop`: pauses a random time, kills a random replica, and starts it again a moment later (not waiting
    /// for it to be ready, so the next kill may hit one that is still starting). PostgreSQL is restarted once.
    static func kill(
        _ group: ChaosReplicas, until stop: StopFlag, pause: ClosedRange<Double>, postgresAfter: Double,
        stackDirectory: String
    ) async throws -> Mayhem {
        var mayhem = Mayhem()
        let started = ContinuousClock.now
        while !stop.isRaised {
            try await Task.sleep(for: .milliseconds(Int(Double.random(in: pause) * 1000)))
            if mayhem.postgresRestarts == 0, ContinuousClock.now - started > .milliseconds(Int(postgresAfter * 1000)) {
                say("  restarting PostgreSQL (immediate)")
                try ChaosPostgres.restart(stackDirectory: stackDirectory)
                mayhem.postgresRestarts += 1
                continue
            }
            let victim = group.replicas.randomElement()!
            if group.kill9(victim) {
                mayhem.kills[victim.service, default: 0] += 1
            } else {
                mayhem.exitedOnTheirOwn.append(victim.name)
            }
            try await Task.sleep(for: .milliseconds(Int.random(in: 300...1500)))
            try group.start(victim)
        }
        return mayhem
    }
}

/// Set once by the load when it is done; read by the killer between two kills.
final class StopFlag: Sendable {
    private let raised = Mutex(false)
    func raise() { raised.withLock { $0 = true } }
    var isRaised: Bool { raised.withLock { $0 } }
}

/// Written at once, unbuffered, so a run that is stopped still shows how far it got.
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
