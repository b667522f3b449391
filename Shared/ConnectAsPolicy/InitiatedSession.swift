/// A session policy-service approved, as it remembers it to decide later ends and revokes: which org and
/// environment it is in, and who started it.
public struct InitiatedSession: Sendable, Hashable {
    public var sessionId: String
    public var orgId: String
    public var environmentId: String
    public var actorPlatformUserId: String

    public init(sessionId: String, orgId: String, environmentId: String, actorPlatformUserId: String) {
        self.sessionId = sessionId
        self.orgId = orgId
        self.environmentId = environmentId
        self.actorPlatformUserId = actorPlatformUserId
    }
}

enum SessionRules {
    /// The session, when policy approved it in this org and environment. A session of another environment is
    /// reported like an unknown one, so that an end or revoke cannot reach across environments or orgs.
    static func session(
        _ session: InitiatedSession?, id sessionId: String, orgId: String, environmentId: String
    ) throws(Denial) -> InitiatedSession {
        guard let session, session.sessionId == sessionId, session.orgId == orgId,
            session.environmentId == environmentId
        else {
            throw Denial(.sessionNotFound, "No such Connect As session on this environment.")
        }
        return session
    }
}
