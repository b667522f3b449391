/// What the injector needs to reach an environment's Odoo, copied into each approval at decision time so that the
/// injector acts on exactly what policy approved and never reads platform state itself.
public struct EnvironmentSnapshot: Codable, Sendable, Hashable {
    /// The host name the redeem link and the session cookie are for.
    public var domain: String
    public var server: ServerEndpoint
    /// Odoo's series as the platform reports it (`"17.0"`); it picks the session store format.
    public var odooVersion: String
    public var database: String
    public var runtime: OdooRuntime

    public init(domain: String, server: ServerEndpoint, odooVersion: String, database: String, runtime: OdooRuntime) {
        self.domain = domain
        self.server = server
        self.odooVersion = odooVersion
        self.database = database
        self.runtime = runtime
    }

    enum CodingKeys: String, CodingKey {
        case domain = "domain"
        case server = "server"
        case odooVersion = "odooVersion"
        case database = "database"
        case runtime = "runtime"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        domain = try container.identifier(.domain)
        server = try container.required(.server)
        odooVersion = try container.identifier(.odooVersion)
        database = try container.identifier(.database)
        runtime = try container.required(.runtime)
    }
}
