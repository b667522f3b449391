import ConnectAsMail
import ConnectAsOdoo
import ConnectAsSchema

/// Why a notification did not go out, and whether trying again later may help.
struct DeliveryFailure: Error, Sendable {
    var reason: String
    var isRetriable: Bool
}

/// Hands one notification to its channel: SMTP for e-mail, the production Odoo script over SSH for the bell (an
/// inbox message authored by OdooBot, whose id in Odoo is the notification's identity, so a repeat after a crash
/// returns the message already posted instead of posting another).
struct Delivery: Sendable {
    let mail: SMTPClient
    /// Nil when notifier has no SSH key: every bell then fails, saying so.
    let odoo: OdooShell?

    func deliver(_ notification: PendingNotification) async throws(DeliveryFailure) {
        switch notification.channel {
        case .email: try await sendMail(notification)
        case .bell: try await ringBell(notification)
        }
    }

    private func sendMail(_ notification: PendingNotification) async throws(DeliveryFailure) {
        do {
            let message = MailMessage(
                to: [
                    try MailAddress(notification.recipient.email ?? "", displayName: notification.recipient.displayName)
                ],
                subject: notification.subject, textBody: notification.bodyText, htmlBody: notification.bodyHTML,
                messageID: notification.messageID,
                // RFC 3834: automatic; auto-responders should stay quiet.
                additionalHeaders: [("Auto-Submitted", "auto-generated")])
            try await mail.send(message)
        } catch let error as MailError {
            throw DeliveryFailure(reason: "\(error)", isRetriable: error.isRetriable)
        } catch {
            throw DeliveryFailure(reason: "\(error)", isRetriable: true)
        }
    }

    private func ringBell(_ notification: PendingNotification) async throws(DeliveryFailure) {
        guard let odoo else {
            throw DeliveryFailure(
                reason: "notifier has no SSH key for the customers' servers (connectas.notifier.sshKeyFile)",
                isRetriable: false)
        }
        guard let environment = notification.environment, let text = notification.bellText else {
            throw DeliveryFailure(reason: "the queued bell has no environment or text", isRetriable: false)
        }
        do {
            _ = try await odoo.notifyBell(
                on: OdooTarget(snapshot: environment),
                OdooBellNotification(
                    userId: notification.recipient.odooUserId, subject: String(notification.subject.prefix(255)),
                    body: String(text.prefix(10_000)), notificationId: notification.notificationID))
        } catch let error as OdooShellError {
            throw DeliveryFailure(reason: "\(error.code): \(error.message)", isRetriable: error.isRetriable)
        } catch {
            throw DeliveryFailure(reason: "\(error)", isRetriable: true)
        }
    }
}
