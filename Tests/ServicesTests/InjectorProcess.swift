import Foundation
import TestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// The real `session-injector` executable as a child process on a port of its own; its output goes to a file that
/// failing tests quote.
final class InjectorProcess: Sendable {
    let process: Process
    let logFile: URL
    let httpPort: Int

    private init(process: Process, logFile: URL, httpPort: Int) {
        self.process = process
        self.logFile = logFile
        self.httpPort = httpPort
    }

    /// The executable SwiftPM built next to the test binary (`swift build --build-tests` builds it), or the one
    /// CONNECTAS_SESSION_INJECTOR_BINARY names.
    static func binary() throws -> URL {
        if let path = StackEnvironment.optional("CONNECTAS_SESSION_INJECTOR_BINARY") {
            return URL(fileURLWithPath: path)
        }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        while directory.pathExtension == "xctest" || ["MacOS", "Contents"].contains(directory.lastPathComponent) {
            directory = directory.deletingLastPathComponent()
        }
        let binary = directory.appendingPathComponent("session-injector")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw InjectorTestError(
                "\(binary.path) is missing: swift build --build-tests (or --product session-injector) builds it")
        }
        return binary
    }

    static func start(
        environment: [String: String], port: Int, readyWithin limit: Duration = .seconds(60)
    )
        async throws -> InjectorProcess
    {
        let logFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("session-injector-\(UUID().uuidString.prefix(8)).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)

        var childEnvironment = ProcessInfo.processInfo.environment
        childEnvironment["CONNECTAS_CONFIG_FILE"] = nil
        childEnvironment.merge(environment) { _, new in new }
        childEnvironment["CONNECTAS_HTTP_HOST"] = "127.0.0.1"
        childEnvironment["CONNECTAS_HTTP_PORT"] = "\(port)"
        childEnvironment["CONNECTAS_LOG_LEVEL"] = childEnvironment["CONNECTAS_TEST_SERVICE_LOG_LEVEL"] ?? "info"

        let process = Process()
        process.executableURL = try binary()
        process.environment = childEnvironment
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let child = InjectorProcess(process: process, logFile: logFile, httpPort: port)

        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw InjectorTestError(
                    "session-injector exited with status \(process.terminationStatus) before it was ready:\n"
                        + child.outputTail())
            }
            if (try? await InjectorHTTP.get(child.url("/health")))?.status == 200 { return child }
            try await Task.sleep(for: .milliseconds(250))
        }
        await child.stop()
        throw InjectorTestError("session-injector was not ready within \(limit):\n\(child.outputTail())")
    }

    func url(_ path: String) -> URL { URL(string: "http://127.0.0.1:\(httpPort)\(path)")! }

    /// SIGTERM, as an orchestrator stops it, then SIGKILL after 20 s.
    func stop() async {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + .seconds(20)
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(100))
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    var output: String {
        FileManager.default.contents(atPath: logFile.path).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    func outputTail(lines: Int = 60) -> String {
        output.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}
