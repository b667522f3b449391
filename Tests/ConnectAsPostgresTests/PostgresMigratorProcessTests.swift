import ConnectAsPostgres
import Foundation
import TestSupport
import Testing

/// Replicas are separate processes in production, so this test starts separate processes: the test binary itself,
/// told through the environment to run only ``migratorProcess()``.
@Suite("PostgresMigrator across processes", .timeLimit(.minutes(1)))
struct PostgresMigratorProcessTests {
    static let childSchema = "CONNECTAS_TEST_MIGRATOR_SCHEMA"
    static let childService = "CONNECTAS_TEST_MIGRATOR_SERVICE"
    static let isChild = ProcessInfo.processInfo.environment[childService] != nil

    #if os(Linux)
        @Test("migrators in separate OS processes, released together, apply each migration exactly once")
        func separateProcessesApplyOnce() async throws {
            try await PostgresTestDatabase.withSchema("migrate_processes", createSchema: false) { configuration in
                let service = PostgresTestDatabase.uniqueIdentifier("svc")
                let processes = 4
                // Hold the service's migration lock while the processes start, and let go only once all of them queue
                // behind it, so that they really contend instead of happening to run one after the other.
                let gate = try PostgresPool(
                    configuration: PostgresConfiguration(url: configuration.url, maxConnections: 1),
                    logger: PostgresTestDatabase.logger)
                let outputs = try await gate.withConnection { gate in
                    try await gate.query(
                        "SELECT pg_advisory_lock($1, hashtext($2))", PostgresMigrator.lockNamespace, service)
                    let children = try (0..<processes).map { _ in
                        try ChildProcess(environment: [
                            Self.childSchema: configuration.schema!, Self.childService: service,
                        ])
                    }
                    let queued = try await waitForWaiters(processes, service: service, on: gate, children: children)
                    try await gate.query(
                        "SELECT pg_advisory_unlock($1, hashtext($2))", PostgresMigrator.lockNamespace, service)
                    #expect(queued == processes)
                    var outputs: [(Int32, String)] = []
                    for child in children { outputs.append(await child.finish()) }
                    return outputs
                }
                await gate.close()

                for (status, output) in outputs { #expect(status == 0, "migrator process failed:\n\(output)") }
                let check = try PostgresPool(configuration: configuration, logger: PostgresTestDatabase.logger)
                #expect(try await check.query("SELECT count(*) FROM side_effects").scalar(as: Int.self) == 2)
                let recorded = try await check.query(
                    "SELECT version FROM connectas_schema_migrations WHERE service = $1 ORDER BY version", service
                ).map { try $0.decode(0, as: Int.self) }
                #expect(recorded == [1, 2, 3])
                await check.close()
            }
        }
    #endif

    /// Not a test of its own: the body of each process the test above starts. Disabled in an ordinary run.
    @Test("(child process of the test above)", .enabled(if: isChild))
    func migratorProcess() async throws {
        let environment = ProcessInfo.processInfo.environment
        let configuration = PostgresConfiguration(
            url: try StackEnvironment.require("CONNECTAS_PG_ADMIN_URL"), maxConnections: 1,
            applicationName: "migrator-process", schema: environment[Self.childSchema])
        let pool = try PostgresPool(configuration: configuration, logger: PostgresTestDatabase.logger)
        let migrator = try PostgresMigrator(
            service: try StackEnvironment.require(Self.childService), migrations: PostgresMigratorTests.migrations,
            logger: PostgresTestDatabase.logger)
        do {
            try await migrator.migrate(pool)
            await pool.close()
        } catch {
            await pool.close()
            throw error
        }
    }

    /// Polls pg_locks until `count` sessions wait for the service's lock, or a child exits, or 20 s pass.
    private func waitForWaiters(
        _ count: Int, service: String, on connection: PostgresConnection, children: [ChildProcess]
    ) async throws -> Int {
        let deadline = ContinuousClock.now + .seconds(20)
        var waiting = 0
        while ContinuousClock.now < deadline, !children.contains(where: { !$0.isRunning }) {
            waiting = try await connection.query(
                """
                SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = $1::int::oid
                AND objid = hashtext($2)::oid AND objsubid = 2 AND NOT granted
                """,
                PostgresMigrator.lockNamespace, service
            ).scalar(as: Int.self)
            if waiting == count { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        return waiting
    }
}

#if os(Linux)
    /// This test binary run again, restricted to the child test, with its output kept in a file for failure messages.
    final class ChildProcess: Sendable {
        private let process: Process
        private let outputURL: URL

        init(environment: [String: String]) throws {
            let process = Process()
            // /proc/self/exe is the test binary whatever the working directory and however it was started.
            process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            process.arguments = ["--testing-library", "swift-testing", "--filter", "migratorProcess"]
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
            let outputURL = FileManager.default.temporaryDirectory
                .appendingPathComponent("connectas-migrator-\(UUID().uuidString).log")
            _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
            let output = try FileHandle(forWritingTo: outputURL)
            process.standardOutput = output
            process.standardError = output
            process.standardInput = FileHandle.nullDevice
            try process.run()
            try output.close()
            self.process = process
            self.outputURL = outputURL
        }

        var isRunning: Bool { process.isRunning }

        /// Waits for the exit (polling: Process's termination handler must be set before `run`), then reads the output.
        func finish() async -> (Int32, String) {
            while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
            let output = (try? String(contentsOf: outputURL, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(at: outputURL)
            return (process.terminationStatus, output)
        }
    }
#endif
