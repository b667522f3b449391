import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// A service executable (`policy-service`, `session-injector`, …) running as a child process on an HTTP port of its
/// own, with only the `CONNECTAS_` settings the test gives it; its output goes to a file that failing tests quote.
public final class ServiceProcess: @unchecked Sendable {
    public let name: String
    public let process: Process
    public let logFile: URL
    public let httpPort: Int

    private init(name: String, process: Process, logFile: URL, httpPort: Int) {
        self.name = name
        self.process = process
        self.logFile = logFile
        self.httpPort = httpPort
    }

    /// The executable SwiftPM built next to the test binary (`swift build --build-tests` builds them all), or the one
    /// in `CONNECTAS_BIN_DIR`.
    public static func binary(_ name: String) throws -> URL {
        var directory: URL
        if let path = StackEnvironment.optional("CONNECTAS_BIN_DIR") {
            directory = URL(fileURLWithPath: path)
        } else {
            directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
                .deletingLastPathComponent()
            // On macOS the test binary sits inside an .xctest bundle.
            while directory.pathExtension == "xctest" || ["MacOS", "Contents"].contains(directory.lastPathComponent) {
                directory = directory.deletingLastPathComponent()
            }
        }
        let binary = directory.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw ServiceProcessError(
                "\(binary.path) is missing: swift build --build-tests (or --product \(name)) builds it, "
                    + "or set CONNECTAS_BIN_DIR")
        }
        return binary
    }

    /// Starts `name` with `environment` on top of the test process's non-`CONNECTAS_` variables, and waits until
    /// its `/health` says it is ready (database reachable, partitions assigned). The log level is
    /// `CONNECTAS_TEST_SERVICE_LOG_LEVEL` when set, else `environment`'s, else info.
    public static func start(
        _ name: String, environment: [String: String], port: Int? = nil, readyWithin limit: Duration = .seconds(60)
    ) async throws -> ServiceProcess {
        let port = try port ?? ServicePorts.free()
        let logFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(name)-\(UUID().uuidString.prefix(8)).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)

        let inherited = ProcessInfo.processInfo.environment
        var childEnvironment = inherited.filter { !$0.key.hasPrefix("CONNECTAS_") }
        childEnvironment.merge(environment) { _, new in new }
        childEnvironment["CONNECTAS_HTTP_HOST"] = "127.0.0.1"
        childEnvironment["CONNECTAS_HTTP_PORT"] = "\(port)"
        childEnvironment["CONNECTAS_LOG_LEVEL"] =
            inherited["CONNECTAS_TEST_SERVICE_LOG_LEVEL"] ?? environment["CONNECTAS_LOG_LEVEL"] ?? "info"

        if let owner = childEnvironment.removeValue(forKey: "CONNECTAS_PG_OWNER_URL") {
            try await migrate(name, environment: childEnvironment.merging(["CONNECTAS_PG_OWNER_URL": owner]) { $1 })
        }
        let process = Process()
        process.executableURL = try binary(name)
        process.environment = childEnvironment
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let child = ServiceProcess(name: name, process: process, logFile: logFile, httpPort: port)

        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw ServiceProcessError(
                    "\(name) exited with status \(process.terminationStatus) before it was ready:\n"
                        + child.outputTail())
            }
            if (try? await child.get("/health"))?.status == 200 { return child }
            try await Task.sleep(for: .milliseconds(250))
        }
        await child.stop()
        throw ServiceProcessError("\(name) was not ready within \(limit):\n\(child.outputTail())")
    }

    /// `name migrate`: the service's schema brought up to date as the owner role, its own role granted its rights.
    public static func migrate(_ name: String, environment: [String: String]) async throws {
        let output = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(name)-migrate-\(UUID().uuidString.prefix(8)).log")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let log = try FileHandle(forWritingTo: output)
        let process = Process()
        process.executableURL = try binary(name)
        process.arguments = ["migrate"]
        process.environment = environment
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let deadline = ContinuousClock.now + .seconds(60)
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? log.close()
        guard process.terminationStatus == 0 else {
            let text = FileManager.default.contents(atPath: output.path).map { String(decoding: $0, as: UTF8.self) }
            throw ServiceProcessError(
                "\(name) migrate exited with status \(process.terminationStatus):\n\(text ?? "")")
        }
    }

    public func url(_ path: String) -> URL { URL(string: "http://127.0.0.1:\(httpPort)\(path)")! }

    /// GET on the service's HTTP port: the status and the body.
    public func get(_ path: String, bearer: String? = nil) async throws -> (status: Int, body: Data) {
        var request = URLRequest(url: url(path))
        if let bearer { request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    /// SIGTERM, as an orchestrator stops it, then SIGKILL if it has not exited after `grace`; the exit status.
    @discardableResult
    public func stop(grace: Duration = .seconds(20)) async -> Int32 {
        if process.isRunning {
            process.terminate()
            let deadline = ContinuousClock.now + grace
            while process.isRunning && ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(100))
            }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    public var output: String {
        FileManager.default.contents(atPath: logFile.path).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// The last lines the service wrote.
    public func outputTail(lines: Int = 60) -> String {
        output.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}

public struct ServiceProcessError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
