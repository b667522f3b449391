/// Metadata keys this module puts on log records.
enum OdooLoggingKeys {
    static let operation = "odoo.operation"
    static let target = "odoo.target"
    static let database = "odoo.database"
    static let duration = "odoo.duration"
    static let error = "odoo.error"
    static let errorCode = "odoo.error.code"
}
