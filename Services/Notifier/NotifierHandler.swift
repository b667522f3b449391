import ConnectAsMail
import ConnectAsSchema
import ConnectAsService
import Foundation
import Metrics

/// Follows each session on `connectas.events` and queues the e-mail to the impersonated user when the session is
/// redeemed, in the transaction that marks the event processed: one queued notification per session and event
/// kind, however often the event is delivered. ``NotificationSender`` sends what is queued.
///
/// Bell notifications (an Odoo Discuss inbox message, for orgs whose channels include `bell`) are later work: they
/// need the environment's SSH access, which only session-injector has, so they will travel as a command to it; until
/// then a bell-only org gets no notification, and that is counted (`reason="bell_not_supported"`).
public struct NotifierHandler: MessageHandler {
    static let redeemedKind = "session_redeemed"
    let sender: MailAddress

    public init(configuration: NotifierConfiguration) {
        sender = configuration.smtp.from
    }

    public func handle(_ message: InboundMessage, context: ProcessingContext) async throws {
        guard let event = message.event else { return }
        switch event.message {
        case .initiateApproved(let approved):
            try await context.commit { try await RememberedSession.remember(approved, on: $0.connection) }
        case .sessionLinkIssued(let issued):
            try await context.commit { try await RememberedSession.remember(issued, on: $0.connection) }
        case .sessionRedeemed(let redeemed):
            try await queueRedeemedMail(redeemed, event: event, message: message, context: context)
        // Once a session is over nothing more will be said about it; its settings can go.
        case .sessionEnded(let ended):
            try await context.commit { try await RememberedSession.forget(ended.sessionId, on: $0.connection) }
        case .sessionRevoked(let revoked):
            try await context.commit { try await RememberedSession.forget(revoked.sessionId, on: $0.connection) }
        case .linkExpired(let expired):
            try await context.commit { try await RememberedSession.forget(expired.sessionId, on: $0.connection) }
        case .sessionFailed(let failed):
            try await context.commit { try await RememberedSession.forget(failed.sessionId, on: $0.connection) }
        case .initiateDenied(let denied):
            guard let sessionID = denied.sessionId else { return }
            try await context.commit { try await RememberedSession.forget(sessionID, on: $0.connection) }
        default:
            return
        }
    }

    private func queueRedeemedMail(
        _ redeemed: SessionRedeemed, event: DecodedEvent, message: InboundMessage, context: ProcessingContext
    ) async throws {
        let logger = context.service.logger
        var skipped: String?
        try await context.commit { transaction in
            skipped = nil
            guard let session = try await RememberedSession.load(redeemed.sessionId, on: transaction.connection) else {
                // Its approval came before this consumer group's first offset, or was dead-lettered.
                skipped = "unknown_session"
                return
            }
            guard session.notifyEmail else {
                skipped = session.notifyBell ? "bell_not_supported" : "notifications_off"
                return
            }
            // The redeem event names the target as the injector found it; the issued link did too.
            let recipient = redeemed.target.email != nil ? redeemed.target : (session.target ?? redeemed.target)
            guard let email = recipient.email else {
                skipped = "no_email"
                return
            }
            let mail = SessionRedeemedMail(
                .init(
                    recipientName: recipient.displayName.isEmpty ? recipient.login : recipient.displayName,
                    recipientLogin: recipient.login, actorEmail: redeemed.actor.email,
                    redeemedAt: event.attributes.time, browserIP: redeemed.browserIp, reason: session.reason,
                    maxSessionSeconds: session.maxSessionSeconds, sessionExpiresAt: session.sessionExpiresAt),
                language: session.language)
            let identity = PendingNotification.identity(
                sessionID: redeemed.sessionId, eventKind: Self.redeemedKind, channel: .email)
            let queued = try await NotificationQueue.enqueue(
                .init(
                    sessionID: redeemed.sessionId, eventKind: Self.redeemedKind, channel: .email,
                    requestID: session.requestID, orgID: redeemed.orgId, environmentID: redeemed.environmentId,
                    language: session.language, recipient: recipient, recipientEmail: email,
                    notifiedEventID: event.attributes.id, notifiedEventType: event.type.rawValue,
                    sourceTopic: message.record.topic, sourcePartition: message.record.partition,
                    sourceOffset: message.record.offset, sourceKey: message.record.key.map { Data($0) },
                    sourcePayload: Data(message.record.value ?? []),
                    messageID: PendingNotification.messageID(for: identity, domain: sender.domain),
                    subject: mail.subject, bodyText: mail.text, bodyHTML: mail.html),
                on: transaction.connection)
            if !queued { skipped = "already_queued" }
        }
        if let skipped {
            Counter(label: "connectas_notifications_skipped_total", dimensions: [("reason", skipped)]).increment()
            logger.info(
                "session redeemed, no e-mail queued",
                metadata: ["connectas.session.id": "\(redeemed.sessionId)", "reason": "\(skipped)"])
        } else {
            Counter(label: "connectas_notifications_queued_total", dimensions: [("channel", "email")]).increment()
        }
    }
}
