import ConnectAsPostgres
import Foundation
import Logging
import Synchronization
import TestSupport

/// A fresh schema per test in the local stack's database, dropped afterwards.
enum PostgresTestDatabase {
    static let logger: Logger = {
        var logger = Logger(label: "connectas.postgres.tests")
        logger.logLevel = .error
        return logger
    }()

    static func url() throws -> String {
        try StackEnvironment.require("CONNECTAS_PG_ADMIN_URL")
    }

    /// A schema name matching PostgresIdentifier's pattern (uniqueName uses a hyphen).
    static func uniqueIdentifier(_ prefix: String) -> String {
        StackEnvironment.uniqueName(prefix).replacingOccurrences(of: "-", with: "_")
    }

    /// Runs `body` with a configuration whose connections work in a new schema, also used as the application name so
    /// that pg_stat_activity tells this test's connections apart.
    static func withSchema<T>(
        _ prefix: String, maxConnections: Int = 4, createSchema: Bool = true,
        _ body: (PostgresConfiguration) async throws -> T
    ) async throws -> T {
        let url = try url()
        let schema = uniqueIdentifier(prefix)
        let configuration = PostgresConfiguration(
            url: url, maxConnections: maxConnections, applicationName: schema, schema: schema)
        let admin = try PostgresPool(configuration: PostgresConfiguration(url: url, maxConnections: 1), logger: logger)
        if createSchema { try await admin.query("CREATE SCHEMA \(schema)") }
        do {
            let result = try await body(configuration)
            try await admin.query("DROP SCHEMA IF EXISTS \(schema) CASCADE")
            await admin.close()
            return result
        } catch {
            _ = try? await admin.query("DROP SCHEMA IF EXISTS \(schema) CASCADE")
            await admin.close()
            throw error
        }
    }

    /// A pool over a fresh schema, closed afterwards.
    static func withPool<T>(
        _ prefix: String, maxConnections: Int = 4, _ body: (PostgresPool, PostgresConfiguration) async throws -> T
    ) async throws -> T {
        try await withSchema(prefix, maxConnections: maxConnections) { configuration in
            let pool = try PostgresPool(configuration: configuration, logger: logger)
            do {
                let result = try await body(pool, configuration)
                await pool.close()
                return result
            } catch {
                await pool.close()
                throw error
            }
        }
    }
}

/// Counts from any task.
final class Counter: Sendable {
    private let value = Mutex(0)
    @discardableResult
    func increment() -> Int {
        value.withLock {
            $0 += 1
            return $0
        }
    }
    var current: Int { value.withLock { $0 } }
}

/// Suspends callers until `count` of them have arrived, to make transactions overlap on purpose.
actor Barrier {
    private let count: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(count: Int) { self.count = count }

    func arrive() async {
        if waiting.count + 1 == count {
            for waiter in waiting { waiter.resume() }
            waiting = []
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }
}

struct TimedOut: Error {}

/// Fails with TimedOut instead of hanging the suite when what a test waits for never comes.
func withTimeout<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw TimedOut()
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
