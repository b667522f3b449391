import ConnectAsMail
import ConnectAsPostgres
import ConnectAsSchema
import ConnectAsService
import Foundation
import Metrics

/// Follows each session on `connectas.events` and queues what the impersonated user is told, in the transaction
/// that marks the event processed: a notice when the session is redeemed (someone is now signed in as you), and one
/// when it closes (ended, revoked, or prepared but never used), on each channel the org chose (e-mail, the Odoo
/// bell, both, or none), in the user's own Odoo language when there are templates for it, else the org's. One
/// queued notification per session, notice and channel, however often the event is delivered; a session has at
/// most one closing notice. ``NotificationSender`` sends what is queued, a session's notices of one channel in order.
public struct NotifierHandler: MessageHandler {
    let sender: MailAddress
    let templates: NotificationTemplates
    let platformName: String?

    public init(configuration: NotifierConfiguration) throws {
        sender = configuration.smtp.from
        templates = try NotificationTemplates(overrides: configuration.templatesDirectory)
        platformName = configuration.platformName
    }

    public func handle(_ message: InboundMessage, context: ProcessingContext) async throws {
        guard let event = message.event else { return }
        switch event.message {
        case .initiateApproved(let approved):
            try await context.commit { try await RememberedSession.remember(approved, on: $0.connection) }
        case .sessionLinkIssued(let issued):
            try await context.commit { try await RememberedSession.remember(issued, on: $0.connection) }
        case .sessionRedeemed(let redeemed):
            try await notify(.redeemed, sessionID: redeemed.sessionId, target: redeemed.target, closing: nil,
                event: event, message: message, context: context) { connection in
                try await RememberedSession.markRedeemed(
                    redeemed.sessionId, at: event.attributes.time, browserIP: redeemed.browserIp, on: connection)
            }
        case .sessionEnded(let ended):
            let closing = NoticeFacts.Closing(
                at: event.attributes.time, endedBy: ended.endReason == .endCommand ? ended.endedBy?.email : nil,
                byMaxDuration: ended.endReason == .maxDuration)
            try await notifyClosed(ended.sessionId, as: .ended, target: ended.target, closing, event, message, context)
        case .sessionRevoked(let revoked):
            let closing = NoticeFacts.Closing(
                at: event.attributes.time, revokedBy: revoked.revokedBy.email, revokeReason: revoked.reason)
            try await notifyClosed(
                revoked.sessionId, as: .revoked, target: revoked.target, closing, event, message, context)
        case .linkExpired(let expired):
            let closing = NoticeFacts.Closing(at: event.attributes.time)
            try await notifyClosed(
                expired.sessionId, as: .unused, target: expired.target, closing, event, message, context)
        default:
            return
        }
    }

    /// An end or revoke of a session nobody opened is told as what it was: prepared, never used.
    private func notifyClosed(
        _ sessionID: String, as kind: NoticeKind, target: ResolvedTarget, _ closing: NoticeFacts.Closing,
        _ event: DecodedEvent, _ message: InboundMessage, _ context: ProcessingContext
    ) async throws {
        try await notify(
            kind, sessionID: sessionID, target: target, closing: closing, event: event, message: message,
            context: context, unlessRedeemed: .unused)
    }

    private func notify(
        _ kind: NoticeKind, sessionID: String, target: ResolvedTarget, closing: NoticeFacts.Closing?,
        event: DecodedEvent, message: InboundMessage, context: ProcessingContext, unlessRedeemed: NoticeKind? = nil,
        before: @escaping @Sendable (PostgresConnection) async throws -> Void = { _ in }
    ) async throws {
        var outcome: [(NotificationChannel, String?)] = []
        var notice = kind
        try await context.commit { transaction in
            outcome = []
            try await before(transaction.connection)
            guard let session = try await RememberedSession.load(sessionID, on: transaction.connection) else {
                // Its approval came before this consumer group's first offset, or was dead-lettered.
                outcome = [(.email, "unknown_session")]
                return
            }
            if let fallback = unlessRedeemed, session.redeemedAt == nil { notice = fallback }
            // The event names the target as the injector found it; the issued link did too.
            var recipient = target
            if recipient.email == nil { recipient.email = session.target?.email }
            if recipient.language == nil { recipient.language = session.target?.language }
            let language = NoticeFacts.language(for: recipient, org: session.language)
            let facts = NoticeFacts(session: session, recipient: recipient, closing: closing, platformName: platformName)
            let rendered = templates.render(notice, language: language, facts: facts.values(in: language))
            let channels = [session.notifyEmail ? NotificationChannel.email : nil, session.notifyBell ? .bell : nil]
            if channels.allSatisfy({ $0 == nil }) { outcome = [(.email, "notifications_off")] }
            for channel in channels.compactMap({ $0 }) {
                let identity = PendingNotification.identity(
                    sessionID: sessionID, eventKind: notice.identityKind, channel: channel)
                let undeliverable =
                    channel == .email && recipient.email == nil
                    ? "no_email: the Odoo user has no e-mail address"
                    : channel == .bell && session.environment == nil
                        ? "no_environment: the session's approval, which names the server, was not seen" : nil
                let queued = try await NotificationQueue.enqueue(
                    .init(
                        sessionID: sessionID, eventKind: notice.identityKind, channel: channel,
                        requestID: session.requestID, orgID: session.orgID, environmentID: session.environmentID,
                        language: language, recipient: recipient, recipientEmail: recipient.email,
                        notifiedEventID: event.attributes.id, notifiedEventType: event.type.rawValue,
                        sourceTopic: message.record.topic, sourcePartition: message.record.partition,
                        sourceOffset: message.record.offset, sourceKey: message.record.key.map { Data($0) },
                        sourcePayload: Data(message.record.value ?? []),
                        messageID: PendingNotification.messageID(for: identity, domain: sender.domain),
                        subject: rendered.subject, bodyText: rendered.text, bodyHTML: rendered.html,
                        bellText: channel == .bell ? rendered.bell : nil,
                        environment: channel == .bell ? session.environment : nil,
                        failedReason: undeliverable),
                    on: transaction.connection)
                if let undeliverable {
                    // Audited like any notice given up on, without an attempt, and only the first time: the row
                    // written as failed is the guard against an event delivered again under another id.
                    if queued {
                        try await transaction.publish(
                            NotificationFailed(
                                requestId: session.requestID, orgId: session.orgID,
                                environmentId: session.environmentID, sessionId: sessionID, channel: channel,
                                language: language, recipient: recipient, notifiedEventId: event.attributes.id,
                                notifiedEventType: event.type.rawValue, attempts: 0, reason: undeliverable),
                            id: "notifier:failed:\(identity)")
                    }
                    outcome.append((channel, String(undeliverable.prefix { $0 != ":" })))
                    continue
                }
                outcome.append((channel, queued ? nil : "already_queued"))
            }
        }
        for (channel, skipped) in outcome {
            if let skipped {
                Counter(label: "connectas_notifications_skipped_total", dimensions: [("reason", skipped)]).increment()
                context.service.logger.info(
                    "no notification queued",
                    metadata: [
                        "connectas.session.id": "\(sessionID)", "notice": "\(notice.rawValue)",
                        "channel": "\(channel.rawValue)", "reason": "\(skipped)",
                    ])
            } else {
                Counter(label: "connectas_notifications_queued_total", dimensions: [("channel", channel.rawValue)])
                    .increment()
            }
        }
    }
}
