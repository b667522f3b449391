import Configuration
import ConnectAsMail
import ConnectAsSchema
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
/// | connectas.notifier.templatesDirectory | CONNECTAS_NOTIFIER_TEMPLATES_DIRECTORY | none: the shipped templates (see ``NotificationTemplates``) |
/// | connectas.notifier.platformName | CONNECTAS_NOTIFIER_PLATFORM_NAME | none: "your hosting platform" in the notice's language |
/// | connectas.notifier.sshKeyFile | CONNECTAS_NOTIFIER_SSH_KEY_FILE | none: the SSH private key for the customers' servers, which the bell needs (without it a bell fails as `NotificationFailed`) |
/// | connectas.notifier.odooTimeoutSeconds | CONNECTAS_NOTIFIER_ODOO_TIMEOUT_SECONDS | 60 (one bell, connecting and starting Odoo included) |
/// | connectas.notifier.leaseMarginSeconds | CONNECTAS_NOTIFIER_LEASE_MARGIN_SECONDS | 60: a claimed notification is another replica's to retry once the send's time limit and this much more have passed |
/// | connectas.notifier.crashAfterSend | CONNECTAS_NOTIFIER_CRASH_AFTER_SEND | none; for crash tests only: `email` or `bell` makes the process exit (status 70) right after such a send succeeded, before it is recorded |
public struct NotifierConfiguration: Sendable {
    public var smtp: SMTPConfiguration
    public var maxAttempts: Int
    public var retryDelay: Duration
    public var templatesDirectory: String?
    public var platformName: String?
    public var sshKeyFile: String?
    public var odooTimeout: Duration
    public var leaseMargin: Duration
    public var crashAfterSend: NotificationChannel?

    public init(
        smtp: SMTPConfiguration, maxAttempts: Int = 8, retryDelay: Duration = .seconds(30),
        templatesDirectory: String? = nil, platformName: String? = nil, sshKeyFile: String? = nil,
        odooTimeout: Duration = .seconds(60), leaseMargin: Duration = .seconds(60)
    ) {
        self.smtp = smtp
        self.maxAttempts = maxAttempts
        self.retryDelay = retryDelay
        self.templatesDirectory = templatesDirectory
        self.platformName = platformName
        self.sshKeyFile = sshKeyFile
        self.odooTimeout = odooTimeout
        self.leaseMargin = leaseMargin
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
        templatesDirectory = reader.checkedString(NotificationTemplates.directoryKey)
        platformName = reader.checkedString("connectas.notifier.platformName")
        sshKeyFile = reader.checkedString("connectas.notifier.sshKeyFile")
        if let sshKeyFile, !FileManager.default.isReadableFile(atPath: sshKeyFile) {
            throw ConfigurationError(
                key: "connectas.notifier.sshKeyFile", problem: "names \(sshKeyFile), which cannot be read",
                fix: "provision the SSH private key for the customers' servers there, or unset it (no bell then)")
        }
        odooTimeout = .seconds(
            try reader.checkedInt("connectas.notifier.odooTimeoutSeconds", default: 60, range: 5...600))
        leaseMargin = .seconds(
            try reader.checkedInt("connectas.notifier.leaseMarginSeconds", default: 60, range: 1...3600))
        if let crash = reader.checkedString("connectas.notifier.crashAfterSend") {
            guard let channel = NotificationChannel(rawValue: crash) else {
                throw ConfigurationError(
                    key: "connectas.notifier.crashAfterSend", problem: "is \"\(crash)\"",
                    fix: "unset it (it is for crash tests), or use email or bell")
            }
            crashAfterSend = channel
        }
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
            _ = try NotificationTemplates(overrides: configuration.templatesDirectory)
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
