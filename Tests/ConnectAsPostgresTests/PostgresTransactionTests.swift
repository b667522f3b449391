import ConnectAsPostgres
import Testing

struct Boom: Error {}

@Suite("PostgreSQL transactions", .timeLimit(.minutes(1)))
struct PostgresTransactionTests {
    @Test("a transaction whose closure throws leaves nothing behind")
    func throwingClosureRollsBack() async throws {
        try await PostgresTestDatabase.withPool("tx_rollback") { pool, _ in
            try await pool.query("CREATE TABLE items (id int PRIMARY KEY)")
            let runs = Counter()
            await #expect(throws: Boom.self) {
                try await pool.transaction { tx in
                    runs.increment()
                    try await tx.query("INSERT INTO items VALUES ($1), ($2)", 1, 2)
                    throw Boom()
                }
            }
            #expect(runs.current == 1)
            #expect(try await pool.query("SELECT count(*) FROM items").scalar(as: Int.self) == 0)
            // The connection went back clean: the next transaction commits.
            try await pool.transaction { tx in try await tx.query("INSERT INTO items VALUES ($1)", 3) }
            #expect(try await pool.query("SELECT count(*) FROM items").scalar(as: Int.self) == 1)
        }
    }

    @Test("two conflicting serializable transactions: one is retried and both effects land")
    func serializationFailureIsRetried() async throws {
        try await PostgresTestDatabase.withPool("tx_serializable") { pool, _ in
            try await pool.query("CREATE TABLE ledger (k text PRIMARY KEY, v int NOT NULL)")
            let runs = Counter()
            let bothRead = Barrier(count: 2)
            // Write skew: each reads the whole table and inserts a row derived from it. Run one after the other they
            // give 1 and 2; interleaved, serializable isolation must abort one with 40001.
            @Sendable func insertNext(_ key: String) async throws {
                let attempt = Counter()
                try await pool.transaction(isolation: .serializable) { tx in
                    runs.increment()
                    let total = try await tx.query("SELECT coalesce(sum(v), 0)::int AS total FROM ledger")
                        .scalar(as: Int.self)
                    if attempt.increment() == 1 { await bothRead.arrive() }
                    try await tx.query("INSERT INTO ledger (k, v) VALUES ($1, $2)", key, total + 1)
                }
            }
            async let a: Void = insertNext("a")
            async let b: Void = insertNext("b")
            _ = try await (a, b)

            #expect(runs.current > 2)
            let values = try await pool.query("SELECT v FROM ledger ORDER BY v").map { try $0.decode(0, as: Int.self) }
            #expect(values == [1, 2])
        }
    }

    @Test("a deadlock victim is retried")
    func deadlockIsRetried() async throws {
        try await PostgresTestDatabase.withPool("tx_deadlock") { pool, _ in
            try await pool.query("CREATE TABLE accounts (id int PRIMARY KEY, n int NOT NULL)")
            try await pool.query("INSERT INTO accounts VALUES (1, 0), (2, 0)")
            let runs = Counter()
            let bothLocked = Barrier(count: 2)
            @Sendable func touch(_ first: Int, then second: Int) async throws {
                let attempt = Counter()
                try await pool.transaction(isolation: .readCommitted) { tx in
                    runs.increment()
                    try await tx.query("UPDATE accounts SET n = n + 1 WHERE id = $1", first)
                    if attempt.increment() == 1 { await bothLocked.arrive() }
                    try await tx.query("UPDATE accounts SET n = n + 1 WHERE id = $1", second)
                }
            }
            async let a: Void = touch(1, then: 2)
            async let b: Void = touch(2, then: 1)
            _ = try await (a, b)

            #expect(runs.current == 3)
            let counts = try await pool.query("SELECT n FROM accounts ORDER BY id").map {
                try $0.decode(0, as: Int.self)
            }
            #expect(counts == [2, 2])
        }
    }

    @Test("a retriable error that persists gives up after maxAttempts")
    func retriesAreBounded() async throws {
        try await PostgresTestDatabase.withPool("tx_bounded") { pool, _ in
            let runs = Counter()
            let error = await #expect(throws: PostgresError.self) {
                try await pool.transaction(maxAttempts: 3) { tx in
                    runs.increment()
                    // Raises a serialization failure on purpose, as a conflicting transaction would.
                    try await tx.query(
                        "DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = 'serialization_failure'; END $$")
                }
            }
            #expect(error?.sqlState == .serializationFailure)
            #expect(error?.isRetriable == true)
            #expect(runs.current == 3)
        }
    }

    @Test("a failed statement whose error was caught makes COMMIT fail, not silently roll back")
    func caughtFailureIsNotCommitted() async throws {
        try await PostgresTestDatabase.withPool("tx_caught") { pool, _ in
            try await pool.query("CREATE TABLE items (id int PRIMARY KEY)")
            let error = await #expect(throws: PostgresError.self) {
                try await pool.transaction(isolation: .readCommitted) { tx in
                    try await tx.query("INSERT INTO items VALUES ($1)", 1)
                    _ = try? await tx.query("SELECT 1 / 0")
                }
            }
            #expect(error?.code == .transactionRolledBack)
            #expect(try await pool.query("SELECT count(*) FROM items").scalar(as: Int.self) == 0)
        }
    }

    @Test("a transaction inside a transaction is refused instead of committing the outer one early")
    func nestedTransactionIsRefused() async throws {
        try await PostgresTestDatabase.withPool("tx_nested") { pool, _ in
            try await pool.query("CREATE TABLE items (id int PRIMARY KEY)")
            await #expect(throws: PostgresError.self) {
                try await pool.transaction { tx in
                    try await tx.query("INSERT INTO items VALUES ($1)", 1)
                    try await tx.transaction { inner in try await inner.query("INSERT INTO items VALUES ($1)", 2) }
                }
            }
            #expect(try await pool.query("SELECT count(*) FROM items").scalar(as: Int.self) == 0)
        }
    }
}
