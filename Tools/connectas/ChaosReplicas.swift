import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// The replicas `connectas chaos` runs: every service twice, each on an HTTP port of its own, with the
/// `CONNECTAS_` settings of the calling shell (`scripts/chaos` prepares them as the demo does). Logs are appended
/// per replica, so a restart continues the same file. The process ids are written to `pidFile` after every start,
/// so the calling script can stop what is left if this process itself dies.
final class ChaosReplicas: @unchecked Sendable {
    struct Replica {
        let name: String
        let service: String
        let port: Int
    }

    static let services = ["policy-service", "session-injector", "audit-writer", "notifier"]

    let replicas: [Replica]
    private let binDirectory: URL
    private let logDirectory: URL
    private let pidFile: URL
    private let overrides: [String: String]
    private let lock = NSLock()
    private var processes: [String: Process] = [:]

    init(binDirectory: URL, logDirectory: URL, basePort: Int, count: Int, overrides: [String: String]) throws {
        self.binDirectory = binDirectory
        self.overrides = overrides
        self.logDirectory = logDirectory
        self.pidFile = logDirectory.appendingPathComponent("replicas.pids")
        try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        var replicas: [Replica] = []
        for (index, service) in Self.services.enumerated() {
            for copy in 0..<count {
                replicas.append(Replica(name: "\(service)#\(copy + 1)", service: service, port: basePort + copy * 100 + index))
            }
        }
        self.replicas = replicas
        for service in Self.services {
            let binary = binDirectory.appendingPathComponent(service)
            guard FileManager.default.isExecutableFile(atPath: binary.path) else {
                throw CLIError("\(binary.path) is missing: swift build --product \(service) builds it")
            }
        }
    }

    func ports(of service: String) -> [Int] { replicas.filter { $0.service == service }.map(\.port) }

    func startAll() async throws {
        // A replica of an earlier run still on a port would answer for the new one.
        for replica in replicas {
            if (try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(replica.port)/health")!)) != nil {
                throw CLIError("port \(replica.port) is in use (a replica of an earlier chaos run?): stop it or pass --base-port")
            }
        }
        for service in Set(replicas.map(\.service)).sorted() { try await migrate(service) }
        for replica in replicas { try start(replica) }
        for replica in replicas { try await waitUntilReady(replica) }
    }

    /// The environment of `service`: its own database role (`CONNECTAS_PG_<SERVICE>_URL` of .stack/env), never the
    /// owner's, which only `migrate` gets.
    private func environment(of service: String) throws -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.merging(overrides) { _, new in new }
        let variable = "CONNECTAS_PG_\(service.uppercased().replacingOccurrences(of: "-", with: "_"))_URL"
        guard let url = environment[variable], !url.isEmpty else {
            throw CLIError("\(variable) is not set: source .stack/env (scripts/stack start writes it)")
        }
        // Nothing but its own role: not the owner's, the administrator's or another service's URL.
        for name in environment.keys where name.hasPrefix("CONNECTAS_PG_") && name.hasSuffix("_URL") {
            environment[name] = nil
        }
        environment["CONNECTAS_PG_URL"] = url
        return environment
    }

    /// `service migrate`, as the owner role: what the replicas need of the schema, before any of them starts.
    private func migrate(_ service: String) async throws {
        var environment = try environment(of: service)
        environment["CONNECTAS_PG_OWNER_URL"] = ProcessInfo.processInfo.environment["CONNECTAS_PG_OWNER_URL"]
        let process = Process()
        process.executableURL = binDirectory.appendingPathComponent(service)
        process.arguments = ["migrate"]
        process.environment = environment
        try process.run()
        while process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        guard process.terminationStatus == 0 else {
            throw CLIError("\(service) migrate exited with status \(process.terminationStatus)")
        }
    }

    func start(_ replica: Replica) throws {
        let process = Process()
        process.executableURL = binDirectory.appendingPathComponent(replica.service)
        var environment = try environment(of: replica.service)
        environment["CONNECTAS_HTTP_PORT"] = "\(replica.port)"
        environment["CONNECTAS_INSTANCE_ID"] = "\(replica.name)-\(UUID().uuidString.prefix(4))"
        process.environment = environment
        let log = logDirectory.appendingPathComponent("\(replica.name.replacingOccurrences(of: "#", with: "-")).log")
        if !FileManager.default.fileExists(atPath: log.path) {
            FileManager.default.createFile(atPath: log.path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        lock.withLock { processes[replica.name] = process }
        writePids()
    }

    /// SIGKILL, as when the replica's machine dies: no shutdown, no commit, no leaving the group.
    /// Whether it was running.
    @discardableResult
    func kill9(_ replica: Replica) -> Bool {
        guard let process = lock.withLock({ processes[replica.name] }), process.isRunning else { return false }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return true
    }

    func isRunning(_ replica: Replica) -> Bool { lock.withLock { processes[replica.name]?.isRunning ?? false } }

    /// Starts every replica that is not running (killed, or exited on its own: counted, since that is a finding).
    func reviveAll() async throws -> [String] {
        var revived: [String] = []
        for replica in replicas where !isRunning(replica) {
            revived.append(replica.name)
            try start(replica)
        }
        for replica in replicas { try await waitUntilReady(replica) }
        return revived
    }

    func waitUntilReady(_ replica: Replica, within limit: Duration = .seconds(120)) async throws {
        let url = URL(string: "http://127.0.0.1:\(replica.port)/health")!
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let (_, response) = try? await URLSession.shared.data(from: url),
                (response as? HTTPURLResponse)?.statusCode == 200
            {
                return
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw CLIError("\(replica.name) was not ready within \(limit); see its log in \(logDirectory.path)")
    }

    /// SIGTERM to every replica, then waits up to a minute for each to finish its work and leave its group;
    /// SIGKILL for one still there.
    func stopAll() {
        let all = lock.withLock { Array(processes.values) }
        for process in all where process.isRunning { kill(process.processIdentifier, SIGTERM) }
        let deadline = Date().addingTimeInterval(60)
        while all.contains(where: \.isRunning), Date() < deadline { usleep(100_000) }
        for process in all where process.isRunning { kill(process.processIdentifier, SIGKILL) }
        for process in all { process.waitUntilExit() }
        try? FileManager.default.removeItem(at: pidFile)
    }

    private func writePids() {
        let pids = lock.withLock { processes.values.filter(\.isRunning).map { "\($0.processIdentifier)" } }
        try? (pids.joined(separator: "\n") + "\n").write(to: pidFile, atomically: true, encoding: .utf8)
    }
}

/// Restarts the local stack's PostgreSQL the way a crash does (`pg_ctl -m immediate`: no checkpoint, every
/// connection cut), with the options it was started with (postmaster.opts). Spawned and reaped with posix_spawn and
/// waitpid, not Foundation's Process: its waitUntilExit never returned for this child (left a zombie) here.
enum ChaosPostgres {
    static func restart(stackDirectory: String) throws {
        let arguments = [
            "/usr/sbin/runuser", "-u", "postgres", "--", "/usr/lib/postgresql/15/bin/pg_ctl", "-D",
            "\(stackDirectory)/postgres/data", "-m", "immediate", "-w", "-t", "60", "-l",
            "\(stackDirectory)/postgres/postgres.log", "restart",
        ]
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        var pid: pid_t = 0
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let spawned = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
        guard spawned == 0 else { throw CLIError("could not start pg_ctl: \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        guard status == 0 else {
            throw CLIError("pg_ctl restart exited with \(status); see \(stackDirectory)/postgres")
        }
    }
}
