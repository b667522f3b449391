/// A member's role in an org.
public enum Role: String, SchemaEnum {
    case owner = "owner"
    case admin = "admin"
    case developer = "developer"
    case viewer = "viewer"
}
