import ArgumentParser
import ConnectAsPlatform
import ConnectAsSchema

/// Publishes an org's record to `platform.orgs`, as the platform does when an org changes.
struct Org: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Publish an org's state (plan, notifications, policy).")

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Org id.") var org: String
    @Option(help: "Plan: \(Plan.allCases.map(\.rawValue).joined(separator: ", ")).") var plan = "starter"
    @Option(help: "Notification language: en or es.") var language = "en"
    @Option(help: "Notification channels, comma-separated: email, bell.") var channels = "email"
    @Flag(help: "Refuse sessions as Odoo administrators.") var protectAdministrators = false
    @Option(help: "Maximum session duration in seconds.") var maxDuration = PolicySettings.defaultMaxSessionDurationSeconds
    @Option(help: "Permission overrides, e.g. developer:env.impersonation.initiate=true (repeatable).")
    var grant: [String] = []
    @Flag(help: "Delete the org (a tombstone).") var delete = false

    func run() async throws {
        guard !delete else {
            try await PlatformPublisher.with(connection) { try await $0.delete(topic: DefaultTopic.orgs, key: org) }
            return print("deleted org \(org)")
        }
        guard let plan = Plan(rawValue: plan) else { throw ValidationError("unknown plan \(plan)") }
        guard let language = NotificationLanguage(rawValue: language) else {
            throw ValidationError("unknown language \(language)")
        }
        let channels = try channels.split(separator: ",").map {
            guard let channel = NotificationChannel(rawValue: String($0)) else {
                throw ValidationError("unknown channel \($0)")
            }
            return channel
        }
        var overrides: [Role: [Permission: Bool]] = [:]
        for entry in grant {
            let parts = entry.split(whereSeparator: { $0 == ":" || $0 == "=" }).map(String.init)
            guard parts.count == 3, let role = Role(rawValue: parts[0]), let permission = Permission(rawValue: parts[1]),
                let value = Bool(parts[2])
            else { throw ValidationError("--grant wants ROLE:PERMISSION=true|false, not \(entry)") }
            overrides[role, default: [:]][permission] = value
        }
        let state = OrgState(
            orgId: org, plan: plan, permissionOverrides: overrides,
            notifications: NotificationSettings(channels: channels, language: language),
            policy: PolicySettings(protectAdministrators: protectAdministrators, maxSessionDurationSeconds: maxDuration))
        try await PlatformPublisher.with(connection) { try printJSON(try await $0.publish(state)) }
    }
}

/// Publishes a membership to `platform.members`.
struct Member: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Publish an org member (platform user and role).")

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Org id.") var org: String
    @Option(help: "Platform user id.") var user: String
    @Option(help: "The user's e-mail.") var email: String
    @Option(help: "Role: owner, admin, developer, viewer.") var role: String
    @Flag(help: "Remove the member (a tombstone).") var delete = false

    func run() async throws {
        guard !delete else {
            try await PlatformPublisher.with(connection) {
                try await $0.delete(topic: DefaultTopic.members, key: "\(org)/\(user)")
            }
            return print("deleted member \(org)/\(user)")
        }
        guard let role = Role(rawValue: role) else { throw ValidationError("unknown role \(role)") }
        let state = MemberState(orgId: org, platformUserId: user, email: email, role: role)
        try await PlatformPublisher.with(connection) { try printJSON(try await $0.publish(state)) }
    }
}

/// Publishes an environment to `platform.environments`.
struct Environment: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Publish an environment (status, server, Odoo).")

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Org id.") var org: String
    @Option(help: "Environment id.") var env: String
    @Option(help: "Status: running, deploying, cloning, stopped.") var status = "running"
    @Option(help: "The environment's domain.") var domain: String
    @Option(help: "SSH host of the environment's server.") var sshHost: String
    @Option(help: "SSH port.") var sshPort = 22
    @Option(help: "SSH user.") var sshUser: String
    @Option(help: "The server's pinned host key, SHA256:… as ssh-keygen -l prints it.") var hostKey: String
    @Option(help: "Odoo version, 13.0 to 19.0.") var odooVersion = "17.0"
    @Option(help: "Odoo database.") var database: String
    @Option(help: "Docker container running Odoo (or use --command).") var container: String?
    @Option(
        help: """
            Odoo command on the host, as the wire's argv array (["/opt/odoo/odoo-bin", "-c", "/etc/odoo.conf"]) or \
            as words split on white space (no quotes: nothing parses it as a shell would).
            """)
    var command: String?
    @Option(help: "The Odoo service user the host command runs as (default: the SSH user).") var runAsUser: String?
    @Option(help: "Preflight failures (repeatable); none means preflight ok.") var preflightFailure: [String] = []

    func run() async throws {
        guard let status = EnvironmentStatus(rawValue: status) else { throw ValidationError("unknown status \(status)") }
        let runtime: OdooRuntime
        switch (container, command) {
        case (let container?, nil):
            guard runAsUser == nil else { throw ValidationError("--run-as-user goes with --command") }
            runtime = .docker(container: container)
        case (nil, let command?): runtime = .host(command: try OdooRuntime.hostArguments(parsing: command), runAsUser: runAsUser)
        default: throw ValidationError("give exactly one of --container and --command")
        }
        let state = EnvironmentState(
            environmentId: env, orgId: org, status: status, domain: domain,
            server: ServerEndpoint(host: sshHost, port: sshPort, user: sshUser, hostKeyFingerprint: hostKey),
            odooVersion: odooVersion, database: database, runtime: runtime,
            preflight: Preflight(ok: preflightFailure.isEmpty, failures: preflightFailure))
        try await PlatformPublisher.with(connection) { try printJSON(try await $0.publish(state)) }
    }
}
