import ConnectAsSchema

/// The fixed command line that starts `odoo shell` for a target.
///
/// Only identifiers from the platform's environment record appear on it (container, database, the host command's
/// arguments, the Odoo service user), each checked against a strict pattern and then shell-quoted anyway. Nothing a
/// user typed (login, reason, search text) is ever on it: that travels on standard input, base64-encoded.
public enum OdooCommandLine {
    /// The options every shell gets: the database, no HTTP server (the running Odoo serves), and Odoo's log on
    /// stderr only at warning level, so stdout carries just the script's result line.
    static func shellOptions(database: String) -> [String] {
        ["shell", "-d", database, "--no-http", "--log-level=warn"]
    }

    /// The argument vector for `target`, before quoting. Throws ``OdooShellError`` (`invalid_identifier`) naming the
    /// field, never its value, when something does not match its pattern.
    public static func arguments(for target: OdooTarget) throws(OdooShellError) -> [String] {
        try check(target.database, Pattern.database, field: "database")
        switch target.runtime {
        case .docker(let container):
            try check(container, Pattern.container, field: "container")
            // The official image's entrypoint adds the database connection options from its environment.
            return ["docker", "exec", "-i", "-u", "odoo", container, "/entrypoint.sh", "odoo"]
                + shellOptions(database: target.database)
        case .host(let command, let runAsUser):
            guard let executable = command.first, !executable.hasPrefix("-") else {
                throw OdooShellError(.invalidIdentifier, "the host command must start with the Odoo executable")
            }
            for (index, argument) in command.enumerated() {
                try check(argument, Pattern.argument, field: "command[\(index)]")
            }
            var prefix: [String] = []
            if let runAsUser, runAsUser != target.ssh.user {
                try check(runAsUser, Pattern.user, field: "runAsUser")
                // -n: fail rather than prompt for a password on a channel nobody reads.
                prefix = ["sudo", "-n", "-u", runAsUser, "--"]
            }
            return prefix + insertShell(into: command, database: target.database)
        }
    }

    /// The command line as the remote login shell will parse it.
    public static func command(for target: OdooTarget) throws(OdooShellError) -> String {
        try arguments(for: target).map(quote).joined(separator: " ")
    }

    /// odoo-bin takes its sub-command as the FIRST argument (odoo/cli/command.py): `odoo-bin -c CONF shell` would
    /// start the server. So `shell` goes right after the executable, and the rest of the configured command (`-c
    /// CONF`, `--addons-path=…`) follows as the shell's own options. A command that already names `shell` keeps it
    /// where it is.
    static func insertShell(into command: [String], database: String) -> [String] {
        let options = shellOptions(database: database)
        if let shell = command.firstIndex(of: "shell") {
            var result = command
            result.insert(contentsOf: options.dropFirst(), at: shell + 1)
            return result
        }
        // `python3 /opt/odoo/odoo-bin -c …`: the executable is the first argument that names Odoo.
        let executable =
            command.firstIndex { argument in
                let name = argument.split(separator: "/").last.map(String.init) ?? argument
                return ["odoo-bin", "odoo", "openerp-server", "odoo.py"].contains(name)
            } ?? 0
        var result = command
        result.insert(contentsOf: options, at: executable + 1)
        return result
    }

    /// POSIX single quoting; with the patterns above no quote can occur, but the quoting does not rely on that.
    public static func quote(_ argument: String) -> String {
        "'" + argument.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    enum Pattern {
        /// Odoo's DBNAME_PATTERN (`[a-zA-Z0-9][a-zA-Z0-9_.-]+`), within PostgreSQL's 63 bytes.
        nonisolated(unsafe) static let database = /[A-Za-z0-9][A-Za-z0-9_.-]{0,62}/
        /// Docker's container names (`[a-zA-Z0-9][a-zA-Z0-9_.-]+`) and ids.
        nonisolated(unsafe) static let container = /[A-Za-z0-9][A-Za-z0-9_.-]{0,254}/
        /// Paths and options: no spaces, quotes, `$`, backquotes, globs, redirections or separators.
        nonisolated(unsafe) static let argument = /[A-Za-z0-9_.\/:=,+@%-]{1,1024}/
        /// POSIX user names.
        nonisolated(unsafe) static let user = /[A-Za-z_][A-Za-z0-9_.-]{0,31}/
    }

    static func check(_ value: String, _ pattern: Regex<Substring>, field: String) throws(OdooShellError) {
        guard value.wholeMatch(of: pattern) != nil else {
            // The value is not echoed: it failed the check, so it may be anything, including an attack.
            throw OdooShellError(.invalidIdentifier, "the environment's \(field) is not an allowed identifier")
        }
    }
}
