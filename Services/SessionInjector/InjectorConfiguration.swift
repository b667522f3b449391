import Configuration
import ConnectAsService
import Foundation

/// session-injector's own settings, read like every service's (environment first, then the JSON file
/// `CONNECTAS_CONFIG_FILE` names). The table of keys is in the module's documentation (``InjectorService``).
public struct InjectorConfiguration: Sendable {
    /// The key store file with the AES-256 key that seals Odoo session ids at rest.
    public var secretKeyFile: String
    /// The key store file with the SSH private key for every customer server.
    public var sshKeyFile: String
    /// `<base>/connectas/redeem/<token>`; `{domain}` is replaced by the environment's domain.
    public var linkBaseURL: String
    /// Where a redeemed link sends the browser; a path on the environment's domain, or an absolute URL.
    public var redirectURL: String
    public var linkLifetime: Duration
    public var odooTimeout: Duration
    /// Tries of an SSH operation before the session is given up as failed (transient failures only).
    public var sshAttempts: Int
    /// The second delete after every session deletion (a request in flight may re-save a deleted session).
    public var secondDeleteDelay: Duration
    /// The reverse proxies whose `X-Forwarded-For` names the browser (``TrustedProxies``).
    var trustedProxies: TrustedProxies

    public init(
        secretKeyFile: String, sshKeyFile: String, linkBaseURL: String = "https://{domain}",
        redirectURL: String = "/web", linkLifetime: Duration = .seconds(300), odooTimeout: Duration = .seconds(60),
        sshAttempts: Int = 3, secondDeleteDelay: Duration = .seconds(5)
    ) {
        self.trustedProxies = TrustedProxies(TrustedProxies.defaultList)!
        self.secretKeyFile = secretKeyFile
        self.sshKeyFile = sshKeyFile
        self.linkBaseURL = linkBaseURL
        self.redirectURL = redirectURL
        self.linkLifetime = linkLifetime
        self.odooTimeout = odooTimeout
        self.sshAttempts = sshAttempts
        self.secondDeleteDelay = secondDeleteDelay
    }

    /// Reads and checks the settings; the first problem is thrown as a `ConfigurationError`.
    public init(reader: ConfigReader) throws {
        func required(_ key: String, _ fix: String) throws -> String {
            guard let value = reader.checkedString(key) else {
                throw ConfigurationError(key: key, problem: "is not set", fix: fix)
            }
            return value
        }
        func seconds(_ key: String, _ fallback: Int, _ range: ClosedRange<Int>) throws -> Duration {
            try reader.checkedSeconds(key, default: .seconds(fallback), range: range)
        }
        self.init(
            secretKeyFile: try required(
                Key.secretKeyFile,
                "point it at a file holding the base64 of 32 random bytes (openssl rand -base64 32 > FILE)"),
            sshKeyFile: try required(
                Key.sshKeyFile, "point it at the SSH private key (OpenSSH or PEM format) for the customers' servers"),
            linkBaseURL: reader.checkedString(Key.linkBaseURL) ?? "https://{domain}",
            redirectURL: reader.checkedString(Key.redirectURL) ?? "/web",
            linkLifetime: try seconds(Key.linkLifetime, 300, 1...3600),
            odooTimeout: try seconds(Key.odooTimeout, 60, 1...600),
            sshAttempts: try reader.checkedInt(Key.sshAttempts, default: 3, range: 1...5),
            secondDeleteDelay: try seconds(Key.secondDeleteDelay, 5, 1...300))
        if let list = reader.string(forKey: ConfigKey(Key.trustedProxies)) {
            guard let proxies = TrustedProxies(list) else {
                throw ConfigurationError(
                    key: Key.trustedProxies, problem: "is \"\(list)\"",
                    fix: "list IP addresses and CIDR networks separated by commas, e.g. 10.0.0.0/8, ::1 (empty: none)")
            }
            trustedProxies = proxies
        }
        _ = try LinkTemplates(configuration: self)
        if remoteBudget > Self.maxRemoteBudget {
            throw ConfigurationError(
                key: Key.odooTimeout,
                problem: "with \(Key.sshAttempts) = \(sshAttempts), one record may wait \(remoteBudget) on a server",
                fix: "keep sshAttempts × (odooTimeoutSeconds + 10) plus the pauses within \(Self.maxRemoteBudget), "
                    + "so that one unreachable server cannot outlast the consumer's poll interval (300 s)")
        }
    }

    /// The longest one record may spend on a server, retries and pauses included: within the consumer's
    /// `max.poll.interval.ms` (300 s) with room for the database work, or the group would expel the replica.
    public static let maxRemoteBudget = Duration.seconds(240)

    /// Every attempt's connect (10 s) and script timeout, and the pauses between attempts (1 s, 2 s, 4 s, …).
    public var remoteBudget: Duration {
        (odooTimeout + .seconds(10)) * sshAttempts + .seconds((1 << (sshAttempts - 1)) - 1)
    }

    /// Reads the process's settings the way `ServiceConfiguration.load` does.
    public static func load(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws
        -> InjectorConfiguration
    {
        try InjectorConfiguration(reader: try await ServiceConfiguration.reader(environment: environment))
    }

    enum Key {
        static let secretKeyFile = "connectas.injector.secretKeyFile"
        static let sshKeyFile = "connectas.injector.sshKeyFile"
        static let linkBaseURL = "connectas.injector.linkBaseUrl"
        static let redirectURL = "connectas.injector.redirectUrl"
        static let linkLifetime = "connectas.injector.linkTtlSeconds"
        static let odooTimeout = "connectas.injector.odooTimeoutSeconds"
        static let sshAttempts = "connectas.injector.sshAttempts"
        static let secondDeleteDelay = "connectas.injector.secondDeleteDelaySeconds"
        static let trustedProxies = "connectas.injector.trustedProxies"
    }
}
