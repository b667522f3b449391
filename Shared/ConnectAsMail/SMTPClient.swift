import CCurl
import ConnectAsBlocking
import Foundation
import Logging

/// Sends e-mail through an SMTP server with libcurl's SMTP support: one connection per message, TLS as
/// configured, curl's blocking transfer run on the client's own queue so it never holds a thread of Swift's
/// cooperative pool.
///
/// Messages sent through one client go one after another; make several clients to send in parallel. A send cannot
/// be interrupted once started: ``SMTPConfiguration/timeout`` bounds it.
public final class SMTPClient: Sendable {
    public let configuration: SMTPConfiguration
    private let queue: BlockingQueue
    private let logger: Logger

    /// Checks the configuration; connects nothing until the first send.
    public init(configuration: SMTPConfiguration, logger: Logger) throws(MailError) {
        self.configuration = try configuration.validated()
        self.queue = BlockingQueue(label: "connectas.smtp.\(configuration.host):\(configuration.port)")
        var logger = logger
        logger[metadataKey: "smtp.server"] = "\(configuration.host):\(configuration.port)"
        self.logger = logger
    }

    /// Delivers `message` to the server (which accepted it when this returns), or throws a ``MailError``.
    public func send(_ message: MailMessage) async throws {
        let bytes = try message.rendered(from: configuration.from)
        let recipients = message.to.map(\.address)
        let configuration = configuration
        let started = ContinuousClock.now
        let result: Result<Void, MailError> = await queue.run {
            do throws(MailError) {
                let easy = try CurlEasy()
                try Self.configure(easy, configuration)
                try easy.setRecipients(recipients)
                try easy.setUpload(bytes)
                let outcome = easy.perform()
                guard outcome.code == CURLE_OK else {
                    return .failure(
                        MailError(curlCode: outcome.code, detail: outcome.detail, replyCode: outcome.replyCode))
                }
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        let elapsed = ContinuousClock.now - started
        switch result {
        case .success:
            logger.debug(
                "mail sent",
                metadata: [
                    "mail.recipients": "\(recipients.count)", "mail.bytes": "\(bytes.count)", "elapsed": "\(elapsed)",
                ])
        case .failure(let error):
            logger.debug("mail not sent", metadata: ["error": "\(error)", "elapsed": "\(elapsed)"])
            throw error
        }
    }

    private static func configure(_ easy: CurlEasy, _ configuration: SMTPConfiguration) throws(MailError) {
        try easy.set(CURLOPT_URL, configuration.url)
        try easy.set(CURLOPT_MAIL_FROM, "<\(configuration.from.address)>")
        switch configuration.tls {
        case .none: try easy.set(CURLOPT_USE_SSL, Int(CURLUSESSL_NONE.rawValue))
        // Required, not "try": a server that drops STARTTLS from its answer must not downgrade us to plain text.
        case .startTLS: try easy.set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
        case .implicit: break
        }
        if let username = configuration.username, let password = configuration.password {
            try easy.set(CURLOPT_USERNAME, username)
            try easy.set(CURLOPT_PASSWORD, password)
        }
        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, milliseconds(configuration.connectTimeout))
        try easy.set(CURLOPT_TIMEOUT_MS, milliseconds(configuration.timeout))
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}
