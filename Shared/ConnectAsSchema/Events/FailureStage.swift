/// Where in the injector's work a failure happened, so an operator knows which side to look at.
public enum FailureStage: String, SchemaEnum {
    /// Reading the command or approval itself.
    case validation = "validation"
    case sshConnect = "ssh_connect"
    case sshHostKey = "ssh_host_key"
    case sshAuthentication = "ssh_authentication"
    /// Starting `odoo shell` or reading its answer.
    case odooShell = "odoo_shell"
    case targetResolution = "target_resolution"
    case sessionCreate = "session_create"
    case sessionDelete = "session_delete"
    case userList = "user_list"
}
