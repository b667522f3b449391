import ConnectAsPostgres
import Testing

@Suite("PostgresMigrator", .timeLimit(.minutes(1)))
struct PostgresMigratorTests {
    static let migrations = [
        PostgresMigration(
            version: 1, name: "create_tables",
            // The pause keeps the window open in which a migrator without the lock would collide with another.
            sql: """
                SELECT pg_sleep(0.1);
                CREATE TABLE side_effects (id serial PRIMARY KEY, note text NOT NULL);
                CREATE TABLE widgets (id int PRIMARY KEY);
                """),
        PostgresMigration(
            version: 2, name: "widget_names",
            sql: """
                INSERT INTO side_effects (note) VALUES ('2 ran');
                ALTER TABLE widgets ADD COLUMN name text;
                """),
        PostgresMigration(version: 3, name: "note", sql: "INSERT INTO side_effects (note) VALUES ('3 ran')"),
    ]

    @Test("migrators starting together on separate sessions apply each migration exactly once")
    func concurrentMigratorsApplyOnce() async throws {
        try await PostgresTestDatabase.withSchema("migrate_race", createSchema: false) { configuration in
            let service = PostgresTestDatabase.uniqueIdentifier("svc")
            let replicas = 6
            let pools = try (0..<replicas).map { _ in
                var one = configuration
                one.maxConnections = 1
                return try PostgresPool(configuration: one, logger: PostgresTestDatabase.logger)
            }
            let start = Barrier(count: replicas)
            let appliedPerReplica = try await withThrowingTaskGroup(of: [Int].self) { group in
                for pool in pools {
                    group.addTask {
                        let migrator = try PostgresMigrator(
                            service: service, migrations: Self.migrations, logger: PostgresTestDatabase.logger)
                        await start.arrive()
                        return try await migrator.migrate(pool)
                    }
                }
                return try await group.reduce(into: [[Int]]()) { $0.append($1) }
            }
            let check = pools[0]
            #expect(appliedPerReplica.flatMap { $0 }.sorted() == [1, 2, 3])
            #expect(try await check.query("SELECT count(*) FROM side_effects").scalar(as: Int.self) == 2)
            let recorded = try await check.query(
                "SELECT version FROM connectas_schema_migrations WHERE service = $1 ORDER BY version", service
            ).map { try $0.decode(0, as: Int.self) }
            #expect(recorded == [1, 2, 3])
            // No replica kept this service's advisory lock (other tests' migrators may hold their own meanwhile).
            let held = try await check.query(
                """
                SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = $1::int::oid
                AND objid = hashtext($2)::oid AND objsubid = 2
                """,
                PostgresMigrator.lockNamespace, service
            ).scalar(as: Int.self)
            #expect(held == 0)
            for pool in pools { await pool.close() }
        }
    }

    @Test("running again applies nothing; a new migration is applied on its own")
    func laterRunsApplyOnlyWhatIsNew() async throws {
        try await PostgresTestDatabase.withPool("migrate_again") { pool, _ in
            let service = PostgresTestDatabase.uniqueIdentifier("svc")
            let first = try PostgresMigrator(
                service: service, migrations: Array(Self.migrations.prefix(2)), logger: PostgresTestDatabase.logger)
            #expect(try await first.migrate(pool) == [1, 2])
            #expect(try await first.migrate(pool) == [])
            let second = try PostgresMigrator(
                service: service, migrations: Self.migrations, logger: PostgresTestDatabase.logger)
            #expect(try await second.migrate(pool) == [3])
            #expect(try await pool.query("SELECT count(*) FROM side_effects").scalar(as: Int.self) == 2)
        }
    }

    @Test("an applied migration whose SQL changed is refused, saying so")
    func changedMigrationIsRefused() async throws {
        try await PostgresTestDatabase.withPool("migrate_changed") { pool, _ in
            let service = PostgresTestDatabase.uniqueIdentifier("svc")
            try await PostgresMigrator(
                service: service, migrations: Self.migrations, logger: PostgresTestDatabase.logger
            )
            .migrate(pool)
            var edited = Self.migrations
            edited[1] = PostgresMigration(
                version: 2, name: "widget_names", sql: "ALTER TABLE widgets ADD COLUMN label text")
            edited.append(PostgresMigration(version: 4, name: "later", sql: "CREATE TABLE later (id int)"))
            let migrator = try PostgresMigrator(
                service: service, migrations: edited, logger: PostgresTestDatabase.logger)
            let error = await #expect(throws: PostgresError.self) { try await migrator.migrate(pool) }
            #expect(error?.code == .migrationChecksumMismatch)
            #expect(error?.message.contains("migration 2 (widget_names)") == true)
            #expect(error?.message.contains("changed after it was applied") == true)
            // Nothing after the refused one ran.
            #expect(try await pool.query("SELECT to_regclass('later') IS NULL").scalar(as: Bool.self))
        }
    }

    @Test("a failing migration is rolled back with its record, and the error carries the SQLSTATE")
    func failingMigrationLeavesNoTrace() async throws {
        try await PostgresTestDatabase.withPool("migrate_fail") { pool, _ in
            let service = PostgresTestDatabase.uniqueIdentifier("svc")
            let broken = [
                PostgresMigration(version: 1, name: "ok", sql: "CREATE TABLE kept (id int)"),
                PostgresMigration(version: 2, name: "half", sql: "CREATE TABLE dropped (id int); SELEC 1"),
            ]
            let migrator = try PostgresMigrator(
                service: service, migrations: broken, logger: PostgresTestDatabase.logger)
            let error = await #expect(throws: PostgresError.self) { try await migrator.migrate(pool) }
            #expect(error?.sqlState == .syntaxError)
            #expect(try await pool.query("SELECT to_regclass('dropped') IS NULL").scalar(as: Bool.self))
            let recorded = try await pool.query(
                "SELECT version FROM connectas_schema_migrations WHERE service = $1", service
            ).map { try $0.decode(0, as: Int.self) }
            #expect(recorded == [1])
        }
    }

    @Test("duplicate or non-positive versions are refused up front")
    func invalidListsAreRefused() throws {
        let logger = PostgresTestDatabase.logger
        #expect(throws: PostgresError.self) {
            try PostgresMigrator(
                service: "x",
                migrations: [.init(version: 1, name: "a", sql: ""), .init(version: 1, name: "b", sql: "")],
                logger: logger)
        }
        #expect(throws: PostgresError.self) {
            try PostgresMigrator(service: "x", migrations: [.init(version: 0, name: "a", sql: "")], logger: logger)
        }
    }
}
