import ConnectAsSchema

/// The columns of an audit record that are read out of its payload, so records can be found by session, request,
/// org, environment, actor and target without opening the JSON. Empty for messages that carry none of them.
struct AuditFacts: Sendable, Equatable {
    var sessionID: String?
    var requestID: String?
    var orgID: String?
    var environmentID: String?
    var actor: PlatformActor?
    var targetLogin: String?
    var targetOdooUserID: Int?

    init(_ event: DecodedEvent) {
        requestID = event.attributes.correlationId
        switch event.message {
        case .initiateSession(let m):
            set(m.requestId, m.orgId, m.environmentId, nil, m.actor, m.target)
        case .endSession(let m):
            set(m.requestId, m.orgId, m.environmentId, m.sessionId, m.actor)
        case .revokeSession(let m):
            set(m.requestId, m.orgId, m.environmentId, m.sessionId, m.actor)
        case .listUsers(let m):
            set(m.requestId, m.orgId, m.environmentId, nil, m.actor)
        case .initiateApproved(let m):
            set(m.requestId, m.orgId, m.environmentId, m.sessionId, m.actor, m.target)
        case .initiateDenied(let m):
            set(m.requestId, m.orgId, m.environmentId, m.sessionId, m.actor, m.target)
        case .revokeApproved(let m):
            set(m.requestId, m.orgId, m.environmentId, m.sessionId, m.actor)
        case .revokeDenied(let m):
            set(m.requestId, m.orgId, m.environmentId, m.sessionId, m.actor)
        case .endApproved(let m):
            set(m.requestId, m.orgId, m.environmentId, m.sessionId, m.actor)
        case .endDenied(let m):
            set(m.requestId, m.orgId, m.environmentId, m.sessionId, m.actor)
        case .listUsersApproved(let m):
            set(m.requestId, m.orgId, m.environmentId, nil, m.actor)
        case .listUsersDenied(let m):
            set(m.requestId, m.orgId, m.environmentId, nil, m.actor)
        case .sessionLinkIssued(let m):
            set(m.requestId, m.orgId, m.environmentId, m.sessionId, m.actor, m.target)
        case .sessionRedeemed(let m):
            set(m.requestId, m.orgId, m.environmentId, m.sessionId, m.actor, m.target)
        case .sessionEnded(let m):
            set(m.requestId, m.orgId, m.environmentId, m.sessionId, m.endedBy ?? m.actor, m.target)
        case .linkExpired(let m):
            set(m.requestId, m.orgId, m.environmentId, m.sessionId, m.actor, m.target)
        case .sessionRevoked(let m):
            set(m.requestId, m.orgId, m.environmentId, m.sessionId, m.revokedBy, m.target)
        case .sessionFailed(let m):
            set(m.requestId, m.orgId, m.environmentId, m.sessionId, m.actor)
        case .notificationSent(let m):
            set(m.requestId, m.orgId, m.environmentId, m.sessionId, nil, m.recipient)
        case .notificationFailed(let m):
            set(m.requestId, m.orgId, m.environmentId, m.sessionId, nil, m.recipient)
        // Kept out of the session's own trail (reading it would add to it): found by org, environment, or asker.
        case .auditQueried(let m):
            requestID = m.queryId
            orgID = m.orgId
            environmentID = m.environmentId
            actor = m.actor
        // Replies, platform state and dead letters do not belong on the events topic; if one arrives it is still
        // recorded, as it came, without these columns.
        case .sessionLinkReply, .requestDeniedReply, .requestFailedReply, .usersListReply, .revokeAcknowledged,
            .endAcknowledged, .stateApplied, .orgState, .memberState, .environmentState, .deadLetter, .auditCheckpoint:
            break
        }
    }

    /// The actor of a record is whoever did what it records: the one who ended or revoked, for those.
    private mutating func set(
        _ requestID: String, _ orgID: String, _ environmentID: String, _ sessionID: String?, _ actor: PlatformActor?
    ) {
        self.requestID = requestID
        self.orgID = orgID
        self.environmentID = environmentID
        self.sessionID = sessionID
        self.actor = actor
    }

    private mutating func set(
        _ requestID: String, _ orgID: String, _ environmentID: String, _ sessionID: String?, _ actor: PlatformActor?,
        _ target: TargetSelector
    ) {
        set(requestID, orgID, environmentID, sessionID, actor)
        switch target {
        case .login(let login): targetLogin = login
        case .odooUserId(let id): targetOdooUserID = id
        }
    }

    private mutating func set(
        _ requestID: String, _ orgID: String, _ environmentID: String, _ sessionID: String?, _ actor: PlatformActor?,
        _ target: ResolvedTarget
    ) {
        set(requestID, orgID, environmentID, sessionID, actor)
        targetLogin = target.login
        targetOdooUserID = target.odooUserId
    }
}
