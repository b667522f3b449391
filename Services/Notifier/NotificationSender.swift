import ConnectAsMail
import ConnectAsOdoo
import ConnectAsSchema
import ConnectAsService
import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// Sends the queued notifications, on every replica at once: each claims due rows (see ``NotificationQueue``),
/// hands each to its channel (``Delivery``: e-mail with its stable Message-ID, the bell with its stable id in Odoo),
/// then marks it sent and publishes ``NotificationSent`` (event id derived from the notification, so a republish is
/// deduplicated) in one transaction.
///
/// A failed send is retried with exponential backoff while the error is transient (connection refused, timeouts,
/// 4xx replies, an unreachable server); after ``NotifierConfiguration/maxAttempts`` attempts, or at once for a
/// permanent error (5xx replies, an address that is not one, Odoo without Discuss), the notification is marked
/// `failed` with the reason, counted (`connectas_notifications_failed_total`), logged as an error, published as
/// ``NotificationFailed`` and to the dead-letter topic as a ``DeadLetter`` holding the notified event's original
/// record (code `notification_failed`). NotificationSent is only ever published for a notification that went out.
public struct NotificationSender: Service, CustomStringConvertible {
    /// What swift-service-lifecycle logs for it: the name, not the fields (which hold the configuration).
    public var description: String { "NotificationSender" }

    let context: ServiceContext
    let configuration: NotifierConfiguration
    let delivery: Delivery
    let batchSize: Int
    let pollInterval: Duration

    /// - Parameter odoo: the bell's way to the customers' servers; nil without an SSH key.
    public init(
        context: ServiceContext, configuration: NotifierConfiguration, odoo: OdooShell?, batchSize: Int = 5,
        pollInterval: Duration = .seconds(2)
    ) throws {
        self.context = context
        self.configuration = configuration
        self.delivery = Delivery(
            mail: try SMTPClient(configuration: configuration.smtp, logger: context.logger), odoo: odoo)
        self.batchSize = batchSize
        self.pollInterval = pollInterval
    }

    /// How long a claim keeps others off a notification: longer than any send, by e-mail or bell, can take.
    var lease: Duration { max(configuration.smtp.timeout, configuration.odooTimeout) + configuration.leaseMargin }

    public func run() async throws {
        let wakeups = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let notifications = try await context.pool.listen(to: [NotifierMigrations.channel]) {
            wakeups.continuation.yield()
        }
        let listener = Task {
            for await _ in notifications { wakeups.continuation.yield() }
        }
        let ticker = Task { [pollInterval] in
            while !Task.isCancelled {
                try? await Task.sleep(for: pollInterval)
                wakeups.continuation.yield()
            }
        }
        defer {
            listener.cancel()
            ticker.cancel()
        }
        wakeups.continuation.yield()
        await cancelWhenGracefulShutdown {
            for await _ in wakeups.stream {
                await sendDue()
                if Task.isCancelled { break }
            }
        }
    }

    /// Sends batches until nothing is due. A claimed batch is worked off in a task of its own, which shutdown does
    /// not cancel: a send in flight finishes and is recorded, and what was claimed but not started is handed back.
    func sendDue() async {
        while !Task.isCancelled {
            let batch: [PendingNotification]
            do {
                batch = try await NotificationQueue.claim(limit: batchSize, lease: lease, pool: context.pool)
            } catch {
                if !Task.isCancelled {
                    context.logger.warning("could not claim notifications, will retry", metadata: ["error": "\(error)"])
                }
                return
            }
            await Task {
                for notification in batch {
                    if Task.isShuttingDownGracefully {
                        try? await NotificationQueue.release(notification.id, pool: context.pool)
                    } else {
                        await process(notification)
                    }
                }
            }.value
            if batch.count < batchSize { return }
        }
    }

    func process(_ notification: PendingNotification) async {
        var logger = context.logger
        logger[metadataKey: "connectas.session.id"] = "\(notification.sessionID)"
        logger[metadataKey: "connectas.notification.id"] = "\(notification.notificationID)"
        logger[metadataKey: "connectas.notification.attempt"] = "\(notification.attempts)"
        do {
            try await delivery.deliver(notification)
        } catch {
            await recordFailure(notification, reason: error.reason, retriable: error.isRetriable, logger: logger)
            return
        }
        if configuration.crashAfterSend == notification.channel {
            // The crash tests' instant: sent, not yet recorded.
            logger.critical("crashing after the send, as connectas.notifier.crashAfterSend asks")
            exit(70)
        }
        await recordSent(notification, logger: logger)
    }

    /// The mail went out: this must be recorded, or the lease runs out and it goes out again. Retried while the
    /// database is away, for about as long as the lease lasts.
    func recordSent(_ notification: PendingNotification, logger: Logger) async {
        let sent = NotificationSent(
            requestId: notification.requestID, orgId: notification.orgID, environmentId: notification.environmentID,
            sessionId: notification.sessionID, channel: notification.channel, language: notification.language,
            recipient: notification.recipient, notifiedEventId: notification.notifiedEventID,
            notifiedEventType: notification.notifiedEventType)
        await persist("record the sent notification", logger: logger) {
            try await context.transaction { transaction in
                if try await NotificationQueue.markSent(notification.id, on: transaction.connection) {
                    try await transaction.publish(sent, id: "notifier:sent:\(notification.notificationID)")
                }
            }
        }
        Counter(label: "connectas_notifications_sent_total", dimensions: [("channel", notification.channel.rawValue)])
            .increment()
        logger.info("notification sent")
    }

    func recordFailure(_ notification: PendingNotification, reason: String, retriable: Bool, logger: Logger) async {
        if retriable && notification.attempts < configuration.maxAttempts {
            let delay = backoff(afterAttempt: notification.attempts)
            Counter(label: "connectas_notifications_retries_total").increment()
            logger.warning(
                "notification not sent, will retry", metadata: ["error": "\(reason)", "retry.in": "\(delay)"])
            await persist("reschedule the notification", logger: logger) {
                try await NotificationQueue.reschedule(notification.id, after: delay, error: reason, pool: context.pool)
            }
            return
        }
        let failed = NotificationFailed(
            requestId: notification.requestID, orgId: notification.orgID, environmentId: notification.environmentID,
            sessionId: notification.sessionID, channel: notification.channel, language: notification.language,
            recipient: notification.recipient, notifiedEventId: notification.notifiedEventID,
            notifiedEventType: notification.notifiedEventType, attempts: notification.attempts, reason: reason)
        let letter = DeadLetter(
            originalTopic: notification.sourceTopic, partition: notification.sourcePartition,
            offset: notification.sourceOffset, key: notification.sourceKey, payload: notification.sourcePayload,
            errorCode: "notification_failed",
            reason: "\(notification.channel.rawValue) notification \(notification.notificationID) failed after "
                + "\(notification.attempts) attempt(s): \(reason)",
            service: context.service.rawValue, failedAt: Date(), originalEventId: notification.notifiedEventID,
            originalEventType: notification.notifiedEventType, correlationId: notification.requestID)
        await persist("record the failed notification", logger: logger) {
            try await context.transaction { transaction in
                if try await NotificationQueue.markFailed(notification.id, error: reason, on: transaction.connection) {
                    try await transaction.publish(failed, id: "notifier:failed:\(notification.notificationID)")
                    try await transaction.publish(letter, id: "notifier:dead:\(notification.notificationID)")
                }
            }
        }
        Counter(label: "connectas_notifications_failed_total", dimensions: [("channel", notification.channel.rawValue)])
            .increment()
        logger.error("notification failed; dead-lettered", metadata: ["error": "\(reason)"])
    }

    /// The first retry after `retryDelay`, doubling each time, at most an hour.
    func backoff(afterAttempt attempt: Int) -> Duration {
        let seconds = configuration.retryDelay.seconds * Double(1 << min(max(attempt - 1, 0), 16))
        return .milliseconds(Int(min(seconds, 3600) * 1000))
    }

    private func persist(_ what: String, logger: Logger, _ body: () async throws -> Void) async {
        let deadline = ContinuousClock.now + lease
        var attempt = 0
        while true {
            attempt += 1
            do {
                try await body()
                return
            } catch {
                guard ContinuousClock.now < deadline else {
                    logger.error("could not \(what); giving up", metadata: ["error": "\(error)"])
                    return
                }
                logger.warning("could not \(what), will retry", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(min(5_000, 100 << min(attempt, 6))))
            }
        }
    }
}
