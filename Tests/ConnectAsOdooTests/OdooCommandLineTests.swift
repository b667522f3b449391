import ConnectAsSSH
import ConnectAsSchema
import Foundation
import Testing

@testable import ConnectAsOdoo

/// The command line is fixed per environment and built only from checked identifiers; unit tests, no server.
@Suite struct OdooCommandLineTests {
    static let ssh = SSHTarget(host: "odoo.example", user: "deploy", hostKeyFingerprint: "SHA256:x")

    func target(_ runtime: OdooRuntime, database: String = "prod") -> OdooTarget {
        OdooTarget(ssh: Self.ssh, runtime: runtime, database: database)
    }

    @Test func dockerRunsTheOfficialEntrypointAsOdoo() throws {
        let command = try OdooCommandLine.command(for: target(.docker(container: "odoo-web")))
        #expect(
            command
                == "'docker' 'exec' '-i' '-u' 'odoo' 'odoo-web' '/entrypoint.sh' 'odoo' 'shell' '-d' 'prod' "
                + "'--no-http' '--log-level=warn'")
    }

    @Test func hostPutsShellRightAfterTheExecutable() throws {
        let arguments = try OdooCommandLine.arguments(
            for: target(.host(command: ["/opt/odoo/odoo-bin", "-c", "/etc/odoo/odoo.conf"], runAsUser: nil)))
        #expect(
            arguments == [
                "/opt/odoo/odoo-bin", "shell", "-d", "prod", "--no-http", "--log-level=warn", "-c",
                "/etc/odoo/odoo.conf",
            ])
    }

    @Test func hostBehindAnInterpreterFindsOdooBin() throws {
        let arguments = try OdooCommandLine.arguments(
            for: target(
                .host(command: ["/usr/bin/python3", "/srv/odoo/odoo-bin", "-c", "/srv/odoo.conf"], runAsUser: nil)))
        #expect(Array(arguments.prefix(3)) == ["/usr/bin/python3", "/srv/odoo/odoo-bin", "shell"])
    }

    @Test func hostCommandThatNamesShellKeepsIt() throws {
        let arguments = try OdooCommandLine.arguments(
            for: target(.host(command: ["/opt/odoo/odoo-bin", "shell", "-c", "/etc/odoo.conf"], runAsUser: nil)))
        #expect(
            arguments == [
                "/opt/odoo/odoo-bin", "shell", "-d", "prod", "--no-http", "--log-level=warn", "-c", "/etc/odoo.conf",
            ])
        #expect(arguments.filter { $0 == "shell" }.count == 1)
    }

    @Test func anotherServiceUserRunsThroughSudo() throws {
        let other = try OdooCommandLine.arguments(
            for: target(.host(command: ["/opt/odoo/odoo-bin"], runAsUser: "odoo")))
        #expect(Array(other.prefix(6)) == ["sudo", "-n", "-u", "odoo", "--", "/opt/odoo/odoo-bin"])
        let same = try OdooCommandLine.arguments(
            for: target(.host(command: ["/opt/odoo/odoo-bin"], runAsUser: "deploy")))
        #expect(same.first == "/opt/odoo/odoo-bin")
    }

    static let hostile = [
        "prod; rm -rf ~", "$(reboot)", "`id`", "a b", "x'y", "-d", "db\nid", "db|id", "db&", "", "../../etc",
        "ünïcode", String(repeating: "a", count: 64),
    ]

    @Test(arguments: hostile)
    func hostileDatabaseIsRefusedWithoutEchoingIt(_ value: String) {
        #expect {
            try OdooCommandLine.command(for: target(.docker(container: "odoo"), database: value))
        } throws: { error in
            guard let error = error as? OdooShellError else { return false }
            return error.code == .invalidIdentifier && (value.isEmpty || !error.message.contains(value))
        }
    }

    @Test(arguments: ["odoo; id", "$(id)", "-u root", "", "a`b`", "odoo web"])
    func hostileContainerIsRefused(_ value: String) {
        #expect(throws: OdooShellError.self) {
            try OdooCommandLine.command(for: target(.docker(container: value)))
        }
    }

    @Test(arguments: [
        ["/opt/odoo/odoo-bin", "-c", "/etc/odoo.conf; id"], ["--config=/x", "/opt/odoo/odoo-bin"],
        ["/opt/odoo/odoo-bin", "$(id)"], ["/opt/odoo/odoo-bin", "a b"], ["/opt/odoo/odoo-bin", ">/tmp/x"],
        ["/opt/odoo/odoo-bin", "*"], [],
    ])
    func hostileHostCommandIsRefused(_ command: [String]) {
        #expect(throws: OdooShellError.self) {
            try OdooCommandLine.command(for: target(.host(command: command, runAsUser: nil)))
        }
    }

    @Test(arguments: ["root;id", "$(id)", "a b", "-u"])
    func hostileRunAsUserIsRefused(_ user: String) {
        #expect(throws: OdooShellError.self) {
            try OdooCommandLine.command(for: target(.host(command: ["/opt/odoo/odoo-bin"], runAsUser: user)))
        }
    }

    @Test func quotingSurvivesAQuoteAnyway() {
        #expect(OdooCommandLine.quote("it's") == #"'it'\''s'"#)
    }
}
