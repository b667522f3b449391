import ConnectAsPostgres
import Testing

@Suite("PostgresError", .timeLimit(.minutes(1)))
struct PostgresErrorTests {
    @Test("a unique violation carries 23505 and the constraint, and its description leaves the value out")
    func uniqueViolation() async throws {
        try await PostgresTestDatabase.withPool("error_unique") { pool, _ in
            try await pool.query("CREATE TABLE users (email text CONSTRAINT users_email_key UNIQUE)")
            try await pool.query("INSERT INTO users VALUES ($1)", "alice@example.com")
            let error = await #expect(throws: PostgresError.self) {
                try await pool.query("INSERT INTO users VALUES ($1)", "alice@example.com")
            }
            #expect(error?.code == .serverError)
            #expect(error?.sqlState == .uniqueViolation)
            #expect(error?.constraint == "users_email_key")
            #expect(error?.table == "users")
            #expect(error?.isRetriable == false)
            #expect(error?.isConnectionLost == false)
            #expect(error?.detail?.contains("alice@example.com") == true)
            #expect(error.map { "\($0)" }?.contains("alice@example.com") == false)
            #expect(error.map { "\($0)" }?.contains("SQLSTATE 23505") == true)
        }
    }

    @Test("a syntax error carries 42601")
    func syntaxError() async throws {
        try await PostgresTestDatabase.withPool("error_syntax") { pool, _ in
            let error = await #expect(throws: PostgresError.self) { try await pool.query("SELEC 1") }
            #expect(error?.sqlState == .syntaxError)
            #expect(error?.message.contains("syntax error") == true)
            // The connection is still good for the next statement.
            let one = try await pool.query("SELECT 1").scalar(as: Int.self)
            #expect(one == 1)
        }
    }

    @Test("query refuses several statements at once; execute(script:) is the only way")
    func severalStatementsNeedScript() async throws {
        try await PostgresTestDatabase.withPool("error_multi") { pool, _ in
            let error = await #expect(throws: PostgresError.self) {
                try await pool.query("CREATE TABLE a (id int); CREATE TABLE b (id int)")
            }
            #expect(error?.sqlState == .syntaxError)
            try await pool.withConnection {
                try await $0.execute(script: "CREATE TABLE a (id int); CREATE TABLE b (id int)")
            }
            #expect(
                try await pool.query("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()").scalar(
                    as: Int.self) == 2)
        }
    }

    @Test("data exceptions keep the SQLSTATE but their description withholds the input it quotes")
    func dataExceptionMessageIsWithheld() async throws {
        try await PostgresTestDatabase.withPool("error_data") { pool, _ in
            let error = await #expect(throws: PostgresError.self) {
                try await pool.query("SELECT $1::uuid", "secret-token-value")
            }
            #expect(error?.sqlState == .invalidTextRepresentation)
            #expect(error.map { "\($0)" }?.contains("secret-token-value") == false)
        }
    }

    @Test("an unreachable server fails fast with a clear error that does not show the password")
    func badURLFailsQuickly() async throws {
        let start = ContinuousClock.now
        let pool = try PostgresPool(
            configuration: PostgresConfiguration(
                url: "postgresql://connectas:hunter2-secret@127.0.0.1:1/connectas", maxConnections: 1),
            logger: PostgresTestDatabase.logger)
        let error = await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
        #expect(error?.code == .connectionFailed)
        #expect(error?.message.contains("cannot connect to PostgreSQL") == true)
        #expect(error?.message.contains("refused") == true)
        #expect(error.map { "\($0)" }?.contains("hunter2-secret") == false)
        // The failed attempt gave its slot back: a second one fails the same way instead of waiting forever.
        let again = await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
        #expect(again?.code == .connectionFailed)
        // Fails instead of waiting for ever; not a timing test (the machines are noisy).
        #expect(ContinuousClock.now - start < .seconds(30))
        await pool.close()
    }

    @Test("a malformed URL and a wrong password are reported as connection failures")
    func malformedURLAndBadPassword() async throws {
        let url = try PostgresTestDatabase.url()
        for bad in ["postgresql://127.0.0.1:notaport/db", "not a connection string"] {
            let pool = try PostgresPool(
                configuration: PostgresConfiguration(url: bad), logger: PostgresTestDatabase.logger)
            let error = await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
            #expect(error?.code == .connectionFailed)
            await pool.close()
        }
        // Keywords after the URL override it, as libpq's expand_dbname does for the pool's own settings.
        let wrong = try PostgresPool(
            configuration: PostgresConfiguration(url: url + (url.contains("?") ? "&" : "?") + "password=wrong"),
            logger: PostgresTestDatabase.logger)
        let error = await #expect(throws: PostgresError.self) { try await wrong.query("SELECT 1") }
        #expect(error?.code == .connectionFailed)
        #expect(error?.message.contains("password authentication failed") == true)
        await wrong.close()
    }

    @Test("an invalid configuration is refused when the pool is made")
    func invalidConfiguration() throws {
        #expect(throws: PostgresError.self) {
            try PostgresPool(
                configuration: PostgresConfiguration(url: "x", maxConnections: 0), logger: PostgresTestDatabase.logger)
        }
        #expect(throws: PostgresError.self) {
            try PostgresPool(
                configuration: PostgresConfiguration(url: "x", schema: "Bad-Name"), logger: PostgresTestDatabase.logger)
        }
    }
}
