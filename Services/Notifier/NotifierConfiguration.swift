import Configuration
import ConnectAsMail
import ConnectAsService
import Foundation

/// notifier's own settings, read at start like the shared ones (environment first, then the JSON file named by
/// `CONNECTAS_CONFIG_FILE`); the first problem stops the service with a ``ConfigurationError`` naming the key.
///
/// | key | environment variable | default |
/// |---|---|---|
/// | connectas.notifier.smtp.host | CONNECTAS_NOTIFIER_SMTP_HOST | required |
/// | connectas.notifier.smtp.port | CONNECTAS_NOTIFIER_SMTP_PORT | 25, 587 or 465 by TLS mode |
/// | connectas.notifier.smtp.from | CONNECTAS_NOTIFIER_SMTP_FROM | required: `addr@domain` or `Name <addr@domain>` |
/// | connectas.notifier.smtp.tls | CONNECTAS_NOTIFIER_SMTP_TLS | starttls (none, starttls, implicit) |
/// | connectas.notifier.smtp.username | CONNECTAS_NOTIFIER_SMTP_USERNAME | none (set with the password) |
/// | connectas.notifier.smtp.password | CONNECTAS_NOTIFIER_SMTP_PASSWORD | none (secret; never logged) |
/// | connectas.notifier.smtp.timeoutSeconds | CONNECTAS_NOTIFIER_SMTP_TIMEOUT_SECONDS | 60 (one whole send) |
/// | connectas.notifier.maxAttempts | CONNECTAS_NOTIFIER_MAX_ATTEMPTS | 8 (then the notification fails) |
/// | connectas.notifier.retryDelaySeconds | CONNECTAS_NOTIFIER_RETRY_DELAY_SECONDS | 30 (doubles per try, ≤ 1 h) |
public struct NotifierConfiguration: Sendable {
    public var smtp: SMTPConfiguration
    public var maxAttempts: Int
    public var retryDelay: Duration

    public init(smtp: SMTPConfiguration, maxAttempts: Int = 8, retryDelay: Duration = .seconds(30)) {
        self.smtp = smtp
        self.maxAttempts = maxAttempts
        self.retryDelay = retryDelay
    }

    public init(reader: ConfigReader) throws {
        guard let host = reader.checkedString("connectas.notifier.smtp.host") else {
            throw ConfigurationError(
                key: "connectas.notifier.smtp.host", problem: "is not set",
                fix: "set it to the SMTP server's host name (scripts/stack start writes CONNECTAS_SMTP_HOST)")
        }
        guard let fromText = reader.checkedString("connectas.notifier.smtp.from") else {
            throw ConfigurationError(
                key: "connectas.notifier.smtp.from", problem: "is not set",
                fix: "set it to the sender, e.g. \"Hosting Support <noreply@example.com>\"")
        }
        let from = try Self.mailbox(fromText, key: "connectas.notifier.smtp.from")
        let tlsText =
            reader.checkedString("connectas.notifier.smtp.tls") ?? SMTPConfiguration.TLSMode.startTLS.rawValue
        guard let tls = SMTPConfiguration.TLSMode(rawValue: tlsText.lowercased()) else {
            throw ConfigurationError(
                key: "connectas.notifier.smtp.tls", problem: "is \"\(tlsText)\"",
                fix: "use one of: none, starttls, implicit")
        }
        let port = try reader.checkedInt("connectas.notifier.smtp.port", default: tls.defaultPort, range: 1...65535)
        let username = reader.checkedString("connectas.notifier.smtp.username")
        let password = reader.checkedString("connectas.notifier.smtp.password", isSecret: true)
        guard (username == nil) == (password == nil) else {
            throw ConfigurationError(
                key: username == nil ? "connectas.notifier.smtp.username" : "connectas.notifier.smtp.password",
                problem: "is not set while the other credential is",
                fix: "set both the username and password, or neither")
        }
        let timeout = try reader.checkedInt("connectas.notifier.smtp.timeoutSeconds", default: 60, range: 5...600)
        smtp = SMTPConfiguration(
            host: host, port: port, tls: tls, username: username, password: password,
            connectTimeout: .seconds(min(10, timeout)), timeout: .seconds(timeout), from: from)
        maxAttempts = try reader.checkedInt("connectas.notifier.maxAttempts", default: 8, range: 1...100)
        retryDelay = .seconds(
            try reader.checkedInt("connectas.notifier.retryDelaySeconds", default: 30, range: 1...3600))
    }

    /// Reads the process's settings the way ``ServiceConfiguration/load(service:environment:)`` does.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) async throws
        -> NotifierConfiguration
    {
        try NotifierConfiguration(reader: try await ServiceConfiguration.reader(environment: environment))
    }

    /// `addr@domain` or `Display Name <addr@domain>`.
    static func mailbox(_ text: String, key: String) throws -> MailAddress {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var name: String?
        var address = trimmed
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            let display = trimmed[..<open].trimmingCharacters(in: .whitespaces)
            name =
                display.hasPrefix("\"") && display.hasSuffix("\"") && display.count >= 2
                ? String(display.dropFirst().dropLast()) : display
        }
        do {
            return try MailAddress(address, displayName: name)
        } catch {
            throw ConfigurationError(
                key: key, problem: "is \"\(text)\", not an e-mail address", fix: "use addr@domain or Name <addr@domain>"
            )
        }
    }
}

extension NotifierConfiguration {
    /// Reads the settings, or prints what is wrong and exits with ``ServiceMain/configurationErrorStatus`` before
    /// anything is touched.
    public static func loadOrExit() async -> NotifierConfiguration {
        do {
            let configuration = try await load()
            do {
                _ = try SMTPClient(configuration: configuration.smtp, logger: .init(label: "notifier"))
            } catch {
                throw ConfigurationError(
                    key: "connectas.notifier.smtp.host", problem: "cannot be used (\(error.message))",
                    fix: "set the SMTP host, port and credentials to a server notifier can reach")
            }
            return configuration
        } catch {
            FileHandle.standardError.write(Data("notifier: \(error)\n".utf8))
            exit(ServiceMain.configurationErrorStatus)
        }
    }
}
