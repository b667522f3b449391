/// Metadata keys this module logs with, dotted and in one place so that log queries can rely on them.
enum PostgresLoggingKeys {
    static let pool = "pg.pool"
    static let connectionID = "pg.connection.id"
    static let backendPID = "pg.backend.pid"
    static let sqlState = "pg.sqlstate"
    static let attempt = "pg.tx.attempt"
    static let channels = "pg.listen.channels"
    static let service = "pg.migration.service"
    static let version = "pg.migration.version"
    static let severity = "pg.notice.severity"
}
