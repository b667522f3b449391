/// The four Connect As entries of the platform's permission matrix, spelled exactly as the platform spells them.
public enum Permission: String, SchemaEnum {
    case listUsers = "env.impersonation.list_users"
    case initiate = "env.impersonation.initiate"
    case viewAudit = "env.impersonation.view_audit"
    case revoke = "env.impersonation.revoke"
}
