import ConnectAsPostgres
import Logging

/// A schema of its own in the local stack's database for one test, dropped afterwards whatever happens.
public enum TestSchema {
    public static func withPool<T>(
        _ prefix: String, logger: Logger, _ body: (PostgresPool, String) async throws -> T
    ) async throws -> T {
        let url = try StackEnvironment.require("CONNECTAS_PG_ADMIN_URL")
        let schema = StackEnvironment.uniqueName(prefix).replacingOccurrences(of: "-", with: "_")
        let admin = try PostgresPool(configuration: PostgresConfiguration(url: url, maxConnections: 1), logger: logger)
        try await admin.query("CREATE SCHEMA \(schema)")
        let pool = try PostgresPool(configuration: PostgresConfiguration(url: url, schema: schema), logger: logger)
        let result: Result<T, any Error>
        do { result = .success(try await body(pool, schema)) } catch { result = .failure(error) }
        await pool.close()
        _ = try? await admin.query("DROP SCHEMA \(schema) CASCADE")
        await admin.close()
        return try result.get()
    }
}
