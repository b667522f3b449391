/// Which command a generic reply (denied, failed) answers, so the platform can route it without remembering.
public enum CommandKind: String, SchemaEnum {
    case initiateSession = "initiate_session"
    case endSession = "end_session"
    case revokeSession = "revoke_session"
    case listUsers = "list_users"
}
