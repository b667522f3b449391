import ConnectAsOdoo
import ConnectAsSSH
import ConnectAsService
import Foundation

/// session-injector: creates Odoo sessions over SSH for approved requests, hands out one-time links, serves the
/// redeem endpoint, and ends, expires and revokes sessions.
///
/// It consumes `connectas.events` and acts on InitiateApproved, EndApproved, RevokeApproved and ListUsersApproved;
/// it publishes session events there and replies on `connectas.replies`. Its tables (`session_injector.sessions`)
/// are described in ``InjectorMigrations``; the link, redeem and reverse-proxy rules in README.md.
///
/// Besides the settings every service reads (``ServiceConfiguration``):
///
/// | key | environment variable | default |
/// |---|---|---|
/// | connectas.injector.secretKeyFile | CONNECTAS_INJECTOR_SECRET_KEY_FILE | required |
/// | connectas.injector.sshKeyFile | CONNECTAS_INJECTOR_SSH_KEY_FILE | required |
/// | connectas.injector.linkBaseUrl | CONNECTAS_INJECTOR_LINK_BASE_URL | `https://{domain}` |
/// | connectas.injector.redirectUrl | CONNECTAS_INJECTOR_REDIRECT_URL | `/web` |
/// | connectas.injector.linkTtlSeconds | CONNECTAS_INJECTOR_LINK_TTL_SECONDS | 300 (1–3600) |
/// | connectas.injector.odooTimeoutSeconds | CONNECTAS_INJECTOR_ODOO_TIMEOUT_SECONDS | 60 (1–600) |
/// | connectas.injector.sshAttempts | CONNECTAS_INJECTOR_SSH_ATTEMPTS | 3 (1–5) |
/// | connectas.injector.secondDeleteDelaySeconds | CONNECTAS_INJECTOR_SECOND_DELETE_DELAY_SECONDS | 5 (1–300) |
/// | connectas.injector.trustedProxies | CONNECTAS_INJECTOR_TRUSTED_PROXIES | loopback and private ranges |
///
/// - `secretKeyFile`: a key store file holding the base64 of 32 random bytes (`openssl rand -base64 32`), the
///   AES-256-GCM key that seals Odoo session ids at rest. Changing it makes the stored ones unreadable.
/// - `sshKeyFile`: the SSH private key (OpenSSH or PEM) for every customer server; read at each new connection, so
///   a rotated file is picked up without a restart.
/// - `linkBaseUrl`: the link is `<base>/connectas/redeem/<token>`; `{domain}` becomes the environment's domain.
///   Cookies get `Secure` when it is https.
/// - `redirectUrl`: where a redeemed link sends the browser, a path on the environment's domain or an absolute
///   http(s) URL (`{domain}` allowed).
/// - `linkTtlSeconds`: how long an unused link lives (never longer than the session).
/// - `odooTimeoutSeconds`: one Odoo shell operation, connecting included.
/// - `sshAttempts`: tries of an operation whose failure may pass, before the session is given up as failed.
/// - together, `sshAttempts × (odooTimeoutSeconds + 10 s)` and the pauses between attempts may not exceed 240 s
///   (`InjectorConfiguration.maxRemoteBudget`), so that one unreachable server cannot outlast the consumer's poll
///   interval (300 s); a configuration over it stops the service at start.
/// - `secondDeleteDelaySeconds`: when every deleted session is deleted again (a request in flight may re-save it).
///
/// A key file that is missing, unreadable or malformed stops the service at start (exit status 78) with a
/// message naming the setting; key material is never printed or logged.
public enum InjectorService {
    /// Assembles the service from its context (what `ServiceMain` connected) and its own settings.
    public static func compose(
        context: ServiceContext, configuration: InjectorConfiguration, keys: KeyStore
    ) throws -> ServiceComposition {
        var ssh = SSHClientConfiguration()
        ssh.commandTimeout = configuration.odooTimeout
        let pool = SSHConnectionPool(configuration: ssh, logger: context.logger)
        let injector = try Injector(context: context, configuration: configuration, keys: keys, pool: pool)
        return ServiceComposition(
            consumes: [context.topics.events, context.topics.environments],
            handler: InjectorHandler(injector: injector, environmentsTopic: context.topics.environments),
            routes: { router in injector.addRedeemRoutes(to: router) },
            services: [SSHPoolService(pool: pool), SessionTimer(injector: injector)],
            retention: InjectorRetention.rules)
    }
}
