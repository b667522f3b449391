/// An environment as the platform publishes it on the compacted `platform.environments` topic, keyed by environment
/// id; a tombstone means the environment was deleted.
public struct EnvironmentState: MessagePayload {
    public static let eventType = EventType("platform.environment", version: 1)
    public static let defaultTopic = DefaultTopic.environments

    public var environmentId: String
    public var orgId: String
    public var status: EnvironmentStatus
    public var domain: String
    public var server: ServerEndpoint
    public var odooVersion: String
    public var database: String
    public var runtime: OdooRuntime
    public var preflight: Preflight

    public init(
        environmentId: String, orgId: String, status: EnvironmentStatus, domain: String, server: ServerEndpoint,
        odooVersion: String, database: String, runtime: OdooRuntime, preflight: Preflight
    ) {
        self.environmentId = environmentId
        self.orgId = orgId
        self.status = status
        self.domain = domain
        self.server = server
        self.odooVersion = odooVersion
        self.database = database
        self.runtime = runtime
        self.preflight = preflight
    }

    /// The part an approval carries to the injector.
    public var snapshot: EnvironmentSnapshot {
        EnvironmentSnapshot(
            domain: domain, server: server, odooVersion: odooVersion, database: database, runtime: runtime)
    }

    enum CodingKeys: String, CodingKey {
        case environmentId = "environmentId"
        case orgId = "orgId"
        case status = "status"
        case domain = "domain"
        case server = "server"
        case odooVersion = "odooVersion"
        case database = "database"
        case runtime = "runtime"
        case preflight = "preflight"
    }
}

extension EnvironmentState {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        environmentId = try container.id(.environmentId)
        orgId = try container.id(.orgId)
        status = try container.required(.status)
        domain = try container.identifier(.domain)
        server = try container.required(.server)
        odooVersion = try container.identifier(.odooVersion)
        database = try container.identifier(.database)
        runtime = try container.required(.runtime)
        preflight = try container.required(.preflight)
    }

    public var partitionKey: String { environmentId }
    public var subject: String? { environmentId }
    public var asMessage: ConnectAsMessage { .environmentState(self) }
}
