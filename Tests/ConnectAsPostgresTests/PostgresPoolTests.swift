import ConnectAsPostgres
import Foundation
import Testing

@Suite("PostgresPool", .timeLimit(.minutes(1)))
struct PostgresPoolTests {
    @Test("50 concurrent queries over a pool of 4 are right and run 4 at a time")
    func concurrentQueriesAreBoundedByThePool() async throws {
        try await PostgresTestDatabase.withPool("pool_concurrency", maxConnections: 4) { pool, configuration in
            let sleep = 0.05
            let start = ContinuousClock.now
            let results = try await withThrowingTaskGroup(of: (Int, Int, Int32, Int).self) { group in
                for index in 0..<50 {
                    group.addTask {
                        // pg_stat_activity is read first, while the other connections are inside their sleep.
                        let row = try await pool.query(
                            """
                            SELECT (SELECT count(*) FROM pg_stat_activity
                                    WHERE application_name = $1 AND state = 'active') AS active,
                                   $2 * 2 AS doubled, pg_backend_pid() AS pid, pg_sleep($3)
                            """,
                            configuration.applicationName, index, sleep)[0]
                        return (index, try row.decode("doubled"), try row.decode("pid"), try row.decode("active"))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let elapsed = ContinuousClock.now - start

            #expect(results.count == 50)
            #expect(results.allSatisfy { $0.1 == $0.0 * 2 })
            let backends = Set(results.map(\.2))
            let mostActive = results.map(\.3).max() ?? 0
            #expect(backends.count <= 4)
            #expect(mostActive <= 4 && mostActive >= 2)
            // 13 rounds of 4 at the least (a bound no machine can beat). That they ran concurrently is shown by
            // `mostActive` above, not by a time limit: the machines are too noisy for one.
            #expect(elapsed >= .seconds(sleep * 12))
        }
    }

    @Test("a connection the server killed is discarded and replaced")
    func brokenConnectionIsReplaced() async throws {
        try await PostgresTestDatabase.withPool("pool_broken", maxConnections: 1) { pool, configuration in
            let first = try await pool.query("SELECT pg_backend_pid()").scalar(as: Int32.self)
            let admin = try PostgresPool(
                configuration: PostgresConfiguration(url: configuration.url, maxConnections: 1),
                logger: PostgresTestDatabase.logger)
            try await admin.query("SELECT pg_terminate_backend($1)", first)
            await admin.close()

            let error = await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
            #expect(error?.isConnectionLost == true)
            #expect(error?.code == .connectionLost)

            let second = try await pool.query("SELECT pg_backend_pid()").scalar(as: Int32.self)
            #expect(second != first)
        }
    }

    @Test("a connection returned inside a transaction is not handed out again")
    func connectionLeftInTransactionIsDiscarded() async throws {
        try await PostgresTestDatabase.withPool("pool_intx", maxConnections: 1) { pool, _ in
            let first = try await pool.withConnection { connection in
                try await connection.query("BEGIN")
                return connection.backendPID
            }
            let second = try await pool.query("SELECT pg_backend_pid()").scalar(as: Int32.self)
            #expect(second != first)
        }
    }

    @Test("a waiting borrower can be cancelled and the pool keeps working")
    func cancelledWaiterLeavesTheLine() async throws {
        try await PostgresTestDatabase.withPool("pool_cancel", maxConnections: 1) { pool, _ in
            let release = Barrier(count: 2)
            let holder = Task {
                try await pool.withConnection { _ in await release.arrive() }
            }
            try await Task.sleep(for: .milliseconds(100))
            let waiter = Task { try await pool.query("SELECT 1") }
            try await Task.sleep(for: .milliseconds(100))
            waiter.cancel()
            await #expect(throws: CancellationError.self) { try await waiter.value }
            await release.arrive()
            try await holder.value
            #expect(try await pool.query("SELECT 41 + 1").scalar(as: Int.self) == 42)
        }
    }

    @Test("close waits for lent connections, then refuses new work")
    func closeIsGraceful() async throws {
        try await PostgresTestDatabase.withSchema("pool_close") { configuration in
            let pool = try PostgresPool(configuration: configuration, logger: PostgresTestDatabase.logger)
            let finished = Counter()
            let user = Task {
                try await pool.withConnection { connection in
                    try await connection.query("SELECT pg_sleep(0.2)")
                    finished.increment()
                }
            }
            try await Task.sleep(for: .milliseconds(50))
            await pool.close()
            #expect(finished.current == 1)
            try await user.value
            let error = await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
            #expect(error?.code == .poolClosed)
        }
    }
}
