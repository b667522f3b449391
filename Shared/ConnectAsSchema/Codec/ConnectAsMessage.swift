/// Every message of the suite, one case per type: what ``EventCodec/decode(_:)`` returns, so a consumer handles a
/// topic with one exhaustive `switch` and sends the cases it does not expect to the dead-letter topic.
public enum ConnectAsMessage: Sendable, Equatable {
    // Commands (platform → suite, `connectas.commands`).
    case initiateSession(InitiateSession)
    case endSession(EndSession)
    case revokeSession(RevokeSession)
    case listUsers(ListUsers)
    // Decisions (policy-service → the suite, `connectas.events`).
    case initiateApproved(InitiateApproved)
    case initiateDenied(InitiateDenied)
    case revokeApproved(RevokeApproved)
    case revokeDenied(RevokeDenied)
    case endApproved(EndApproved)
    case endDenied(EndDenied)
    case listUsersApproved(ListUsersApproved)
    case listUsersDenied(ListUsersDenied)
    // Session events (`connectas.events`).
    case sessionLinkIssued(SessionLinkIssued)
    case sessionRedeemed(SessionRedeemed)
    case sessionEnded(SessionEnded)
    case linkExpired(LinkExpired)
    case sessionRevoked(SessionRevoked)
    case sessionFailed(SessionFailed)
    case notificationSent(NotificationSent)
    case notificationFailed(NotificationFailed)
    // Replies (suite → platform, `connectas.replies`).
    case sessionLinkReply(SessionLinkReply)
    case requestDeniedReply(RequestDeniedReply)
    case requestFailedReply(RequestFailedReply)
    case usersListReply(UsersListReply)
    case revokeAcknowledged(RevokeAcknowledged)
    case endAcknowledged(EndAcknowledged)
    case stateApplied(StateApplied)
    // Platform state (compacted `platform.*` topics).
    case orgState(OrgState)
    case memberState(MemberState)
    case environmentState(EnvironmentState)
    // Dead letters (`connectas.dlq`).
    case deadLetter(DeadLetter)
    // The audit's signed checkpoints (`connectas.audit.checkpoints`).
    case auditCheckpoint(AuditCheckpoint)
    case auditQueried(AuditQueried)
}

extension ConnectAsMessage {
    /// Every payload type, in the order above; the decoder's registry is built from it.
    public static let allPayloadTypes: [any MessagePayload.Type] = [
        InitiateSession.self, EndSession.self, RevokeSession.self, ListUsers.self,
        InitiateApproved.self, InitiateDenied.self, RevokeApproved.self, RevokeDenied.self, EndApproved.self,
        EndDenied.self, ListUsersApproved.self, ListUsersDenied.self,
        SessionLinkIssued.self, SessionRedeemed.self, SessionEnded.self, LinkExpired.self, SessionRevoked.self,
        SessionFailed.self, NotificationSent.self, NotificationFailed.self,
        SessionLinkReply.self, RequestDeniedReply.self, RequestFailedReply.self, UsersListReply.self,
        RevokeAcknowledged.self, EndAcknowledged.self, StateApplied.self,
        OrgState.self, MemberState.self, EnvironmentState.self,
        DeadLetter.self,
        AuditCheckpoint.self, AuditQueried.self,
    ]

    public var payload: any MessagePayload {
        switch self {
        case .initiateSession(let payload): payload
        case .endSession(let payload): payload
        case .revokeSession(let payload): payload
        case .listUsers(let payload): payload
        case .initiateApproved(let payload): payload
        case .initiateDenied(let payload): payload
        case .revokeApproved(let payload): payload
        case .revokeDenied(let payload): payload
        case .endApproved(let payload): payload
        case .endDenied(let payload): payload
        case .listUsersApproved(let payload): payload
        case .listUsersDenied(let payload): payload
        case .sessionLinkIssued(let payload): payload
        case .sessionRedeemed(let payload): payload
        case .sessionEnded(let payload): payload
        case .linkExpired(let payload): payload
        case .sessionRevoked(let payload): payload
        case .sessionFailed(let payload): payload
        case .notificationSent(let payload): payload
        case .notificationFailed(let payload): payload
        case .sessionLinkReply(let payload): payload
        case .requestDeniedReply(let payload): payload
        case .requestFailedReply(let payload): payload
        case .usersListReply(let payload): payload
        case .revokeAcknowledged(let payload): payload
        case .stateApplied(let payload): payload
        case .endAcknowledged(let payload): payload
        case .orgState(let payload): payload
        case .memberState(let payload): payload
        case .environmentState(let payload): payload
        case .deadLetter(let payload): payload
        case .auditCheckpoint(let payload): payload
        case .auditQueried(let payload): payload
        }
    }

    public var eventType: EventType { type(of: payload).eventType }
}
