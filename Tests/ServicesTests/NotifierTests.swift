import ConnectAsPostgres
import ConnectAsSchema
import Foundation
import TestSupport
import Testing

/// notifier's real executable against the stack: session events on a fresh events topic, the e-mail read back from
/// aiosmtpd's Maildir, the queue from notifier's database, NotificationSent and dead letters from Kafka.
///
/// Serialized: every notifier is in the consumer group `notifier`, and two at once would rebalance each other.
@Suite(.serialized) struct NotifierTests {
    @Test func aRedeemedSessionIsMailedExactlyOnceInTheOrgsLanguage() async throws {
        try await withNotifier { service, database, topics in
            let session = HarnessSession(notifications: NotificationSettings(channels: [.email], language: .spanish))
            let recipient = session.target.email!
            let start = Date()
            try await topics.publish(session.approved, id: "\(session.sessionID)-approved", time: start)
            try await topics.publish(session.linkIssued(at: start), id: "\(session.sessionID)-link", time: start)
            let redeemedAt = RFC3339.date(from: "2025-03-01T10:15:30.123Z")!
            try await topics.publish(session.redeemed, id: "\(session.sessionID)-redeemed", time: redeemedAt)
            // Delivered again, and re-emitted under another id: still one notification for the session's redemption.
            try await topics.publish(session.redeemed, id: "\(session.sessionID)-redeemed", time: redeemedAt)
            try await topics.publish(session.redeemed, id: "\(session.sessionID)-redeemed-again", time: redeemedAt)

            let sent = try await topics.read(topics.events) { events in
                events.contains { $0.type == NotificationSent.eventType }
            }.filter { $0.type == NotificationSent.eventType }
            try #require(sent.count == 1)
            let identity = "\(session.sessionID):session_redeemed:email"
            #expect(sent[0].attributes.id == "notifier:sent:\(identity)")
            #expect(sent[0].attributes.source == "/connectas/notifier")
            guard case .notificationSent(let notification) = sent[0].message else { return }
            #expect(notification.sessionId == session.sessionID)
            #expect(notification.channel == .email)
            #expect(notification.language == .spanish)
            #expect(notification.recipient.email == recipient)
            #expect(notification.notifiedEventId == "\(session.sessionID)-redeemed")
            #expect(notification.notifiedEventType == "connectas.event.SessionRedeemed.v1")

            // Give a second, wrong e-mail the time to arrive before counting.
            let mails = try await MaildirMessage.wait(for: recipient, timeout: .seconds(60), settle: .seconds(3))
            try #require(mails.count == 1)
            let mail = mails[0]
            #expect(mail.rcptTo == recipient)
            #expect(mail.to == "José Núñez <\(recipient)>")
            #expect(mail.from == "Soporte de la plataforma <noreply@hosting.test>")
            #expect(mail.subject == "Aviso de seguridad: el personal de soporte ha iniciado sesión en Odoo como usted")
            // The notification's identity, with the colons escaped: the same id on every resend.
            #expect(mail.messageID == "<connectas.\(session.sessionID)=3Asession_redeemed=3Aemail@hosting.test>")
            #expect(mail.autoSubmitted == "auto-generated")
            let text = try #require(mail.text)
            #expect(text.hasPrefix("Hola, José Núñez:\n"))
            #expect(
                text.contains("ana.soporte@hosting.example, del personal de soporte de su plataforma de alojamiento"))
            #expect(text.contains("como usted (jose.nunez)"))
            #expect(text.contains("Cuándo: 2025-03-01 10:15 UTC"))
            #expect(text.contains("Desde la dirección IP: 198.51.100.23"))
            #expect(text.contains("Motivo indicado: \(session.reason)"))
            #expect(text.contains("termina automáticamente al cabo de 60 minutos"))
            #expect(text.contains("puede revocarla"))
            #expect(mail.html?.contains("lang=\"es\"") == true)
            #expect(mail.html?.contains("ticket #4711") == true)

            let pool = try database.servicePool(schema: "notifier")
            let rows = try await pool.query("SELECT status, attempts, message_id FROM notifications")
            await pool.close()
            #expect(rows.count == 1)
            #expect(try rows.first?.decode("status", as: String.self) == "sent")
            #expect(try rows.first?.decode("attempts", as: Int.self) == 1)
        }
    }

    @Test func englishIsUsedWhenTheOrgSaysSoAndOrgsWithoutEmailGetNone() async throws {
        try await withNotifier { service, database, topics in
            let english = HarnessSession()
            let silent = HarnessSession(notifications: NotificationSettings(channels: [], language: .spanish))
            let noAddress = HarnessSession(recipient: nil)
            for session in [silent, noAddress, english] {
                try await topics.publish(session.approved, id: "\(session.sessionID)-approved")
                try await topics.publish(session.linkIssued(at: Date()), id: "\(session.sessionID)-link")
                try await topics.publish(session.redeemed, id: "\(session.sessionID)-redeemed")
            }
            // Re-emitted under another id: still one notice, and one audited failure for the user without address.
            try await topics.publish(noAddress.redeemed, id: "\(noAddress.sessionID)-redeemed-again")
            let mails = try await MaildirMessage.wait(for: english.target.email!, timeout: .seconds(60))
            try #require(mails.count == 1)
            #expect(mails[0].subject == "Security notice: support staff signed in to Odoo as you")
            let text = try #require(mails[0].text)
            #expect(text.hasPrefix("Hello José Núñez,\n"))
            #expect(text.contains("ana.soporte@hosting.example, support staff of your hosting platform, signed in"))
            #expect(text.contains("From IP address: 198.51.100.23"))
            #expect(text.contains("The session ends automatically after 60 minutes"))
            #expect(text.contains("can revoke it at any time"))

            // The e-mail of the last session has gone out, and each environment's events are handled in order, so
            // the other two were decided before: none was queued.
            try await Task.sleep(for: .seconds(1))
            #expect(try MaildirMessage.all(containing: silent.target.email!).isEmpty)
            let pool = try database.servicePool(schema: "notifier")
            let queued = try await pool.query("SELECT session_id FROM notifications WHERE status <> 'failed'").map {
                try $0.decode("session_id", as: String.self)
            }
            await pool.close()
            #expect(queued == [english.sessionID])
            // The user without an address is not forgotten: the notice is audited as failed, never attempted.
            let failed = try await topics.read(topics.events) { events in
                events.contains { $0.type == NotificationFailed.eventType }
            }.compactMap { event -> NotificationFailed? in
                if case .notificationFailed(let failed) = event.message { return failed }
                return nil
            }
            #expect(failed.map(\.sessionId) == [noAddress.sessionID])
            #expect(failed.first?.attempts == 0)
            #expect(failed.first?.reason.hasPrefix("no_email") == true)

            // The end is told too, after the redeem, and once however often the end is delivered.
            try await topics.publish(english.ended, id: "\(english.sessionID)-ended")
            try await topics.publish(english.ended, id: "\(english.sessionID)-ended-again")
            let both = try await MaildirMessage.wait(
                for: english.target.email!, count: 2, timeout: .seconds(60), settle: .seconds(2))
            try #require(both.count == 2)
            let ended = try #require(both.first { $0.subject.contains("has ended") })
            #expect(ended.subject == "Security notice: the support session as you has ended")
            #expect(ended.text?.contains("has ended: ana.soporte@hosting.example ended it.") == true)
            #expect(ended.text?.contains("It lasted: ") == true)
        }
    }

    @Test func aMailThatCannotBeSentIsRetriedThenFailsToTheDeadLetterTopic() async throws {
        let unreachable = try ServicePorts.free()
        try await withNotifier(
            smtpPort: unreachable,
            extra: ["CONNECTAS_NOTIFIER_MAX_ATTEMPTS": "2", "CONNECTAS_NOTIFIER_RETRY_DELAY_SECONDS": "1"]
        ) { service, database, topics in
            let session = HarnessSession()
            try await topics.publish(session.approved, id: "\(session.sessionID)-approved")
            try await topics.publish(session.linkIssued(at: Date()), id: "\(session.sessionID)-link")
            try await topics.publish(session.redeemed, id: "\(session.sessionID)-redeemed")

            let failed = try await topics.read(topics.events) { events in
                events.contains { $0.type == NotificationFailed.eventType }
            }.compactMap { event -> NotificationFailed? in
                if case .notificationFailed(let failed) = event.message { return failed }
                return nil
            }
            try #require(failed.count == 1)
            #expect(failed[0].channel == .email)
            #expect(failed[0].attempts == 2)
            #expect(failed[0].notifiedEventId == "\(session.sessionID)-redeemed")
            #expect(failed[0].reason.contains("connection_failed"))

            let letters = try await topics.read(topics.deadLetters) { !$0.isEmpty }
            try #require(letters.count == 1)
            guard case .deadLetter(let letter) = letters[0].message else {
                Issue.record("not a dead letter: \(letters[0].type)")
                return
            }
            #expect(letter.errorCode == "notification_failed")
            #expect(letter.service == "notifier")
            #expect(letter.originalTopic == topics.events)
            #expect(letter.originalEventId == "\(session.sessionID)-redeemed")
            #expect(letter.reason.contains("after 2 attempt(s)"))
            #expect(letter.reason.contains("connection_failed"))
            // The original record travels with it, byte for byte, ready to be replayed.
            let original = try EventCodec.decode(letter.payload)
            #expect(original.message == .sessionRedeemed(session.redeemed))

            let pool = try database.servicePool(schema: "notifier")
            let row = try #require(try await pool.query("SELECT status, attempts, last_error FROM notifications").first)
            await pool.close()
            #expect(try row.decode("status", as: String.self) == "failed")
            #expect(try row.decode("attempts", as: Int.self) == 2)
            #expect(try row.decode("last_error", as: String?.self)?.contains("\(unreachable)") == true)
        }
    }

    // MARK: - Helpers

    /// Runs `body` with notifier started on a database and topic set of its own, sending to the stack's SMTP server
    /// (or `smtpPort`); stops and drops them after.
    func withNotifier(
        smtpPort: Int? = nil, extra: [String: String] = [:],
        _ body: (ServiceProcess, HarnessDatabase, HarnessTopics) async throws -> Void
    ) async throws {
        let environment = try Self.environment(smtpPort: smtpPort, extra: extra)
        let database = try await HarnessDatabase.create("notifier")
        let topics = try await HarnessTopics.create("notifier")
        var service: ServiceProcess?
        do {
            service = try await ServiceProcess.start("notifier", database: database, topics: topics, extra: environment)
            try await body(service!, database, topics)
            let status = await service!.stop()
            #expect(status == 0, "notifier did not stop cleanly:\n\(service!.outputTail())")
        } catch {
            if let service {
                await service.stop()
                print("notifier log:\n\(service.outputTail())")
            }
            await topics.close()
            await database.drop()
            throw error
        }
        await topics.close()
        await database.drop()
    }

    /// notifier's own settings for a test: the stack's SMTP server (or `smtpPort`), and `extra` on top.
    static func environment(smtpPort: Int? = nil, extra: [String: String] = [:]) throws -> [String: String] {
        var environment = [
            "CONNECTAS_NOTIFIER_SMTP_HOST": try StackEnvironment.require("CONNECTAS_SMTP_HOST"),
            "CONNECTAS_NOTIFIER_SMTP_PORT": try smtpPort.map(String.init)
                ?? StackEnvironment.require("CONNECTAS_SMTP_PORT"),
            "CONNECTAS_NOTIFIER_SMTP_FROM": "Soporte de la plataforma <noreply@hosting.test>",
            "CONNECTAS_NOTIFIER_SMTP_TLS": "none",
            "CONNECTAS_NOTIFIER_SMTP_TIMEOUT_SECONDS": "10",
        ]
        environment.merge(extra) { $1 }
        return environment
    }
}
