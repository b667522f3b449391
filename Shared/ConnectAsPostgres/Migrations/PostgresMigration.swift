/// One step of a service's schema: applied once, in version order, inside a transaction, and never edited after
/// it shipped (the migrator compares checksums and refuses a changed one).
public struct PostgresMigration: Sendable, Hashable {
    public let version: Int
    public let name: String
    /// One or more statements, without parameters and without BEGIN / COMMIT of their own.
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}
