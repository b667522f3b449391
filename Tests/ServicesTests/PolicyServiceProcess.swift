import Foundation
import Synchronization
import TestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// The `policy-service` executable running as a child process, its output kept in a file for when a test fails.
final class PolicyServiceProcess: Sendable {
    let process: Process
    let logFile: URL
    let httpPort: Int

    private init(process: Process, logFile: URL, httpPort: Int) {
        self.process = process
        self.logFile = logFile
        self.httpPort = httpPort
    }

    /// The executable SwiftPM built next to the test bundle, or the one CONNECTAS_POLICY_SERVICE_BINARY names.
    static func binary() throws -> URL {
        if let path = StackEnvironment.optional("CONNECTAS_POLICY_SERVICE_BINARY") { return URL(fileURLWithPath: path) }
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        // On macOS the test binary sits inside an .xctest bundle.
        while directory.pathExtension == "xctest" || directory.lastPathComponent == "MacOS"
            || directory.lastPathComponent == "Contents"
        {
            directory = directory.deletingLastPathComponent()
        }
        let binary = directory.appendingPathComponent("policy-service")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw PolicyTestFailure(
                "\(binary.path) is missing: build it first (swift build --build-tests builds it; or "
                    + "swift build --product policy-service), or set CONNECTAS_POLICY_SERVICE_BINARY")
        }
        return binary
    }

    /// Starts the service and waits until `/health` says it is ready (database reachable, partitions assigned).
    static func start(binary: URL, environment: [String: String], readyWithin limit: Duration = .seconds(60))
        async throws -> PolicyServiceProcess
    {
        let port = try ServicePorts.free()
        let logFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("policy-service-\(UUID().uuidString.prefix(8)).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)

        var childEnvironment = ProcessInfo.processInfo.environment
        childEnvironment["CONNECTAS_CONFIG_FILE"] = nil
        childEnvironment.merge(environment) { _, new in new }
        childEnvironment["CONNECTAS_HTTP_HOST"] = "127.0.0.1"
        childEnvironment["CONNECTAS_HTTP_PORT"] = "\(port)"
        childEnvironment["CONNECTAS_LOG_LEVEL"] = childEnvironment["CONNECTAS_TEST_SERVICE_LOG_LEVEL"] ?? "debug"

        let process = Process()
        process.executableURL = binary
        process.environment = childEnvironment
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let child = PolicyServiceProcess(process: process, logFile: logFile, httpPort: port)

        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw PolicyTestFailure(
                    "policy-service exited with status \(process.terminationStatus) before it was ready:\n"
                        + child.outputTail())
            }
            if await child.isReady() { return child }
            try await Task.sleep(for: .milliseconds(250))
        }
        await child.stop()
        throw PolicyTestFailure("policy-service was not ready within \(limit):\n\(child.outputTail())")
    }

    func isReady() async -> Bool {
        guard let url = URL(string: "http://127.0.0.1:\(httpPort)/health") else { return false }
        do {
            let (_, response) = try await URLSession.shared.data(from: url)
            return (response as? HTTPURLResponse)?.statusCode == 200
        } catch {
            return false
        }
    }

    /// SIGTERM, as an orchestrator stops it, then SIGKILL if it has not exited after 20 s.
    func stop() async {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + .seconds(20)
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(100))
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// The last lines the service wrote.
    func outputTail(lines: Int = 60) -> String {
        guard let data = FileManager.default.contents(atPath: logFile.path) else { return "(no output)" }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}
