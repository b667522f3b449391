import ConnectAsKafka
import ConnectAsOdoo
import ConnectAsSSH
import ConnectAsSchema
import ConnectAsService
import Foundation
import Logging

/// What the handler, the redeem route and the timer share: the service's context, the Odoo shell over the SSH
/// pool, the key store's sealer and the link templates.
struct Injector: Sendable {
    let context: ServiceContext
    let configuration: InjectorConfiguration
    let shell: OdooShell
    let sealer: SessionSealer
    let links: LinkTemplates
    let logger: Logger

    init(
        context: ServiceContext, configuration: InjectorConfiguration, keys: KeyStore, pool: SSHConnectionPool
    )
        throws
    {
        self.context = context
        self.configuration = configuration
        self.logger = context.logger
        shell = OdooShell(
            pool: pool, credentials: keys.sshCredentials, timeout: configuration.odooTimeout, logger: context.logger)
        sealer = keys.sealer
        links = try LinkTemplates(configuration: configuration)
    }

    var linkSeconds: Int { Int(configuration.linkLifetime.components.seconds) }
    var secondDeleteSeconds: Int { Int(configuration.secondDeleteDelay.components.seconds) }

    /// Runs an Odoo operation up to `sshAttempts` times while its failure may pass (every operation is idempotent),
    /// and gives the last failure back. A host key mismatch or a refusal is never retried.
    func attempts<T: Sendable>(
        _ operation: String, logger: Logger, _ body: () async throws -> T
    ) async throws -> Result<T, OdooShellError> {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return .success(try await body())
            } catch let error as OdooShellError {
                guard error.isRetriable, attempt < configuration.sshAttempts else { return .failure(error) }
                let pause = Duration.seconds(1 << (attempt - 1))
                logger.warning(
                    "\(operation) failed, will try again",
                    metadata: [
                        InjectorLoggingKeys.errorCode: "\(error.code)", InjectorLoggingKeys.error: "\(error.message)",
                        InjectorLoggingKeys.attempt: "\(attempt)",
                    ])
                do { try await Task.sleep(for: pause) } catch { throw RetryLater("shutting down during \(operation)") }
            } catch is CancellationError {
                // The message is redelivered after a restart, not dead-lettered.
                throw RetryLater("shutting down during \(operation)")
            }
        }
    }

    /// Opens a row's sealed Odoo session id; nil (logged as critical) when it does not open under this key.
    func openSid(_ record: SessionRecord) -> OdooSessionID? {
        guard let sealed = record.sealedSid else { return nil }
        do {
            return try sealer.open(sealed, sessionId: record.sessionId, keyID: record.keyID)
        } catch {
            logger.critical(
                "a stored session id does not open: check CONNECTAS_INJECTOR_SECRET_KEY_FILE",
                metadata: [InjectorLoggingKeys.sessionId: "\(record.sessionId)", InjectorLoggingKeys.error: "\(error)"])
            return nil
        }
    }

    /// Sends the link to the platform straight to Kafka, after the session's transaction committed. It does not go
    /// through the outbox, which would store the token in clear; if this process dies before the reply is out, the
    /// timer issues a fresh token and sends that instead (``Injector/reissueUnsentLinks()``).
    func sendLinkReply(
        for session: (sessionId: String, requestId: String, orgId: String, environmentId: String, domain: String),
        token: LinkToken, expiresAt: Date
    ) async {
        guard let url = links.link(domain: session.domain, token: token) else {
            logger.error("the environment's domain is not a host name; no link sent")
            return
        }
        let reply = SessionLinkReply(
            requestId: session.requestId, orgId: session.orgId, environmentId: session.environmentId,
            sessionId: session.sessionId, url: url, expiresAt: expiresAt)
        do {
            let payload = try EventCodec.encode(CloudEvent(reply, source: context.source))
            _ = try await context.producer.send(
                topic: context.topics.replies, key: Array(reply.partitionKey.utf8), value: Array(payload))
            try await context.pool.query(
                "UPDATE sessions SET reply_sent_at = now() WHERE session_id = $1 AND token_hash = $2",
                session.sessionId, token.hash)
        } catch {
            logger.warning(
                "the link reply was not confirmed; a new link will be issued",
                metadata: [
                    InjectorLoggingKeys.sessionId: "\(session.sessionId)", InjectorLoggingKeys.error: "\(error)",
                ])
        }
    }
}

/// Event ids derived from what they record, so that the same occurrence produced twice is one event downstream.
enum EventID {
    static func of(_ subject: String, _ kind: String) -> String { "session-injector/\(subject)/\(kind)" }
}

/// Metadata keys this module puts on log records.
enum InjectorLoggingKeys {
    static let sessionId = "connectas.session.id"
    static let requestId = "connectas.request.id"
    static let environmentId = "connectas.environment.id"
    static let error = "error"
    static let errorCode = "error.code"
    static let attempt = "attempt"
}
