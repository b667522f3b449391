import ConnectAsSSH
import ConnectAsSchema

/// One Odoo database on one server: where to SSH, how Odoo is started there, and which database to open.
///
/// Built from an approval's ``EnvironmentSnapshot``, so the injector acts on exactly what policy approved.
public struct OdooTarget: Sendable, Hashable, CustomStringConvertible {
    public var ssh: SSHTarget
    public var runtime: OdooRuntime
    public var database: String

    public init(ssh: SSHTarget, runtime: OdooRuntime, database: String) {
        self.ssh = ssh
        self.runtime = runtime
        self.database = database
    }

    public init(snapshot: EnvironmentSnapshot) {
        self.init(
            ssh: SSHTarget(
                host: snapshot.server.host, port: snapshot.server.port, user: snapshot.server.user,
                hostKeyFingerprint: snapshot.server.hostKeyFingerprint),
            runtime: snapshot.runtime, database: snapshot.database)
    }

    public var description: String { "\(database) on \(ssh)" }
}
