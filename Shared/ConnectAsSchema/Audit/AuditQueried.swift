/// audit-writer answered (or refused) a query of the audit: who asked, for what, and whether it was allowed. Published
/// on the events topic and recorded like any event, so the audit shows who looked at it.
public struct AuditQueried: MessagePayload {
    public static let eventType = EventType("connectas.event.AuditQueried", version: 1)
    public static let defaultTopic = DefaultTopic.events

    /// Who called the API: the platform's back end on behalf of one of its users, or an operator of the suite.
    public enum Caller: String, SchemaEnum {
        case platform
        case `operator`
    }

    public var queryId: String
    public var caller: Caller
    /// The platform user the query was asked for (platform calls only).
    public var platformUserId: String?
    /// That user as platform state knows them, when it does.
    public var actor: PlatformActor?
    public var orgId: String?
    public var environmentId: String?
    public var sessionId: String?
    /// The path and query string asked for.
    public var query: String
    public var allowed: Bool
    public var denialCode: DenialCode?
    public var denialReason: String?

    public init(
        queryId: String, caller: Caller, platformUserId: String?, actor: PlatformActor?, orgId: String?,
        environmentId: String?, sessionId: String?, query: String, allowed: Bool, denialCode: DenialCode?,
        denialReason: String?
    ) {
        self.queryId = queryId
        self.caller = caller
        self.platformUserId = platformUserId
        self.actor = actor
        self.orgId = orgId
        self.environmentId = environmentId
        self.sessionId = sessionId
        self.query = query
        self.allowed = allowed
        self.denialCode = denialCode
        self.denialReason = denialReason
    }

    enum CodingKeys: String, CodingKey {
        case queryId = "queryId"
        case caller = "caller"
        case platformUserId = "platformUserId"
        case actor = "actor"
        case orgId = "orgId"
        case environmentId = "environmentId"
        case sessionId = "sessionId"
        case query = "query"
        case allowed = "allowed"
        case denialCode = "denialCode"
        case denialReason = "denialReason"
    }
}

extension AuditQueried {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        queryId = try container.identifier(.queryId)
        caller = try container.required(.caller)
        platformUserId = try container.optionalIdentifier(.platformUserId)
        actor = try container.optional(.actor)
        orgId = try container.optionalIdentifier(.orgId)
        environmentId = try container.optionalIdentifier(.environmentId)
        sessionId = try container.optionalIdentifier(.sessionId)
        query = try container.required(.query)
        allowed = try container.required(.allowed)
        denialCode = try container.optional(.denialCode)
        denialReason = try container.optional(.denialReason)
    }

    public var partitionKey: String { environmentId ?? orgId ?? "audit" }
    public var subject: String? { environmentId ?? orgId }
    public var correlationId: String? { queryId }
    public var asMessage: ConnectAsMessage { .auditQueried(self) }
}
