/// How Odoo is started on the server, which decides how the injector reaches `odoo shell`.
///
/// On the wire a tagged object: `{"kind": "docker", "container": "odoo-web"}` or
/// `{"kind": "host", "command": ["/opt/odoo/odoo-bin", "shell", "-c", "/etc/odoo/odoo.conf"], "runAsUser": "odoo"}`.
/// The host command is an argument vector, never a shell string, so nothing in it is re-parsed by a shell; the
/// injector appends the database and logging options and still checks every element against its own pattern.
public enum OdooRuntime: Codable, Sendable, Hashable {
    /// The official image: `docker exec -i -u odoo CONTAINER /entrypoint.sh odoo shell …`.
    case docker(container: String)
    /// Odoo installed on the host: `command` starts its shell with Odoo's own config, run as `runAsUser` (the SSH
    /// user when absent), so sessions land in Odoo's session store with the right owner.
    case host(command: [String], runAsUser: String?)

    enum CodingKeys: String, CodingKey {
        case kind = "kind"
        case container = "container"
        case command = "command"
        case runAsUser = "runAsUser"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind: String = try container.required(.kind)
        switch kind {
        case "docker":
            self = .docker(container: try container.identifier(.container))
        case "host":
            let command = try container.identifiers(.command)
            guard !command.isEmpty else {
                throw SchemaError.invalidValue(
                    at: container.codingPath + [CodingKeys.command], expected: "at least one argument", found: "[]",
                    "the host command is empty")
            }
            self = .host(command: command, runAsUser: try container.optionalIdentifier(.runAsUser))
        default:
            throw SchemaError.invalidValue(
                at: container.codingPath + [CodingKeys.kind], expected: "one of docker, host", found: "\"\(kind)\"",
                "not a known runtime kind")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .docker(let name):
            try container.encode("docker", forKey: .kind)
            try container.encode(name, forKey: .container)
        case .host(let command, let runAsUser):
            try container.encode("host", forKey: .kind)
            try container.encode(command, forKey: .command)
            try container.encodeIfPresent(runAsUser, forKey: .runAsUser)
        }
    }
}
