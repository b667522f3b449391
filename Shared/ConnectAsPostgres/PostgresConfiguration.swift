/// How to reach PostgreSQL and how many connections a ``PostgresPool`` may hold.
///
/// `description` leaves the URL out on purpose: it usually carries a password, and configurations end up in logs.
public struct PostgresConfiguration: Sendable, CustomStringConvertible {
    /// A `postgresql://` URL or a libpq `key=value` connection string. Values set below override the URL's.
    public var url: String
    /// Connections the pool opens at most (lazily, on demand). Listeners use their own connection on top.
    public var maxConnections: Int
    /// Bound on establishing one connection; libpq counts whole seconds and waits at least 2. It covers the server
    /// forking a backend and the SCRAM exchange, which took over 5 s on a loaded 2-core machine.
    public var connectTimeout: Duration
    /// Shown in `pg_stat_activity`, so an operator can tell which service holds a connection.
    public var applicationName: String
    /// The schema every connection works in (`search_path`), for one schema per service or per test.
    /// It must match ``PostgresIdentifier``'s pattern; ``PostgresMigrator`` creates it.
    public var schema: String?
    /// How long a listener waits on its socket before it looks whether it was asked to stop.
    public var listenerPollInterval: Duration
    /// First pause before a dropped listener connection is re-opened; it doubles up to ``listenerMaxReconnectDelay``.
    public var listenerReconnectDelay: Duration
    public var listenerMaxReconnectDelay: Duration

    public init(
        url: String,
        maxConnections: Int = 4,
        connectTimeout: Duration = .seconds(10),
        applicationName: String = "connect-as",
        schema: String? = nil,
        listenerPollInterval: Duration = .milliseconds(200),
        listenerReconnectDelay: Duration = .milliseconds(100),
        listenerMaxReconnectDelay: Duration = .seconds(5)
    ) {
        self.url = url
        self.maxConnections = maxConnections
        self.connectTimeout = connectTimeout
        self.applicationName = applicationName
        self.schema = schema
        self.listenerPollInterval = listenerPollInterval
        self.listenerReconnectDelay = listenerReconnectDelay
        self.listenerMaxReconnectDelay = listenerMaxReconnectDelay
    }

    public var description: String {
        "PostgresConfiguration(maxConnections: \(maxConnections), connectTimeout: \(connectTimeout), "
            + "applicationName: \(applicationName), schema: \(schema ?? "-"))"
    }

    func validated() throws -> PostgresConfiguration {
        guard maxConnections > 0 else {
            throw PostgresError(.invalidArgument, message: "maxConnections must be at least 1")
        }
        if let schema { try PostgresIdentifier.validate(schema, what: "schema") }
        return self
    }
}
