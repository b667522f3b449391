import ConnectAsSSH
import ConnectAsSchema
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The notices of a whole session, on both channels: e-mail to the stack's SMTP server, the bell through the
/// production Odoo script over real SSH into the stand-in's Discuss, read back from its inbox.
extension NotifierTests {
    static let subjects: [String: String] = [
        "redeemed": "Security notice: support staff signed in to Odoo as you",
        "ended": "Security notice: the support session as you has ended",
        "revoked": "Security notice: the support session as you was revoked",
        "unused": "Security notice: a support session as you was prepared but never used",
    ]

    static func bellSettings(_ extra: [String: String] = [:]) throws -> [String: String] {
        [
            "CONNECTAS_NOTIFIER_SSH_KEY_FILE": try StackEnvironment.require("CONNECTAS_SSH_KEY_ED25519"),
            "CONNECTAS_NOTIFIER_ODOO_TIMEOUT_SECONDS": "30",
        ].merging(extra) { $1 }
    }

    @Test func eachChannelSettingGivesExactlyTheExpectedNotices() async throws {
        let settings: [(name: String, channels: [NotificationChannel])] = [
            ("email", [.email]), ("bell", [.bell]), ("both", [.email, .bell]), ("none", []),
        ]
        let scenarios = ["ended", "revoked", "unused"]
        let run = StackEnvironment.uniqueName("n")
        var users: [InjectorStandIn.User] = []
        for setting in settings {
            for scenario in scenarios {
                let login = "\(setting.name)-\(scenario)"
                users.append(.init(login: login, name: "User \(login)", email: "\(login)-\(run)@cliente.test"))
            }
        }
        let pool = SSHConnectionPool(logger: harnessLogger)
        let standIn = try await InjectorStandIn.make(pool: pool, users: users)
        try await withNotifier(extra: try Self.bellSettings()) { _, _, topics in
            var expected = 0
            for setting in settings {
                for scenario in scenarios {
                    let session = Self.session(
                        "\(setting.name)-\(scenario)", in: standIn, run: run,
                        NotificationSettings(channels: setting.channels, language: .english))
                    try await Self.publishLife(of: session, scenario, on: topics)
                    expected += setting.channels.count * (scenario == "unused" ? 1 : 2)
                }
            }
            #expect(expected == 20)
            let sent = try await Self.sentNotifications(on: topics, atLeast: expected)
            #expect(sent.count == expected, "NotificationSent: \(sent.count), expected \(expected)")

            for setting in settings {
                for scenario in scenarios {
                    let login = "\(setting.name)-\(scenario)"
                    let notices = scenario == "unused" ? ["unused"] : ["redeemed", scenario]
                    let mails = try MaildirMessage.all(containing: "\(login)-\(run)@cliente.test")
                    let wantMail = setting.channels.contains(.email) ? notices.map { Self.subjects[$0]! } : []
                    #expect(Set(mails.map(\.subject)) == Set(wantMail), "\(login): e-mails \(mails.map(\.subject))")
                    #expect(mails.count == wantMail.count, "\(login): \(mails.count) e-mails")
                    // The bell keeps Odoo's order: the redeem's notice first, then the closing one.
                    let bells = try await standIn.inbox(of: login, pool: pool)
                    let wantBell = setting.channels.contains(.bell) ? notices.map { Self.subjects[$0]! } : []
                    #expect(bells.map(\.subject) == wantBell, "\(login): bells \(bells.map(\.subject))")
                }
            }
            let revokedBell = try await standIn.inbox(of: "bell-revoked", pool: pool)
            #expect(revokedBell.last?.body?.contains("revoked by lead@hosting.example") == true)
            #expect(revokedBell.last?.body?.contains("Left open by mistake") == true)
            let ended = try MaildirMessage.all(containing: "email-ended-\(run)@cliente.test")
                .first { $0.subject == Self.subjects["ended"] }
            #expect(ended?.text?.contains("It lasted: less than a minute") == true)
        }
        await pool.shutdown()
    }

    @Test func theNoticeIsInTheUsersOwnOdooLanguageElseTheOrgs() async throws {
        let run = StackEnvironment.uniqueName("l")
        let users: [InjectorStandIn.User] = [
            .init(login: "lucia", name: "Lucía Pérez", email: "lucia-\(run)@cliente.test", lang: "es_ES"),
            .init(login: "ana", name: "Ana Gómez", email: "ana-\(run)@cliente.test"),
        ]
        let pool = SSHConnectionPool(logger: harnessLogger)
        let standIn = try await InjectorStandIn.make(pool: pool, users: users)
        try await withNotifier(extra: try Self.bellSettings()) { _, _, topics in
            // An English org, a user whose Odoo speaks Spanish; and a Spanish org, a user with no language of hers.
            let lucia = Self.session(
                "lucia", in: standIn, run: run, NotificationSettings(channels: [.email, .bell], language: .english),
                language: "es_ES")
            let ana = Self.session(
                "ana", in: standIn, run: run, NotificationSettings(channels: [.email, .bell], language: .spanish))
            for session in [lucia, ana] {
                try await topics.publish(session.approved, id: "\(session.sessionID)-approved")
                try await topics.publish(session.linkIssued(at: Date()), id: "\(session.sessionID)-link")
                try await topics.publish(session.redeemed, id: "\(session.sessionID)-redeemed")
            }
            let sent = try await Self.sentNotifications(on: topics, atLeast: 4)
            #expect(sent.count == 4)
            #expect(sent.allSatisfy { $0.language == .spanish })
            let spanish = "Aviso de seguridad: el personal de soporte ha iniciado sesión en Odoo como usted"
            for login in ["lucia", "ana"] {
                let mails = try MaildirMessage.all(containing: "\(login)-\(run)@cliente.test")
                #expect(mails.map(\.subject) == [spanish], "\(login)")
                #expect(mails.first?.text?.contains("del personal de soporte de su plataforma de alojamiento") == true)
                let bells = try await standIn.inbox(of: login, pool: pool)
                #expect(bells.map(\.subject) == [spanish], "\(login)")
                #expect(bells.first?.body?.contains("ha iniciado sesión como usted") == true)
            }
        }
        await pool.shutdown()
    }

    /// Killed between sending and recording: the bell is not rung twice (its id in Odoo makes the retry find the
    /// first), the e-mail goes out at most twice, with one Message-ID; each is recorded once.
    @Test func aNotifierKilledBetweenSendingAndRecordingDoesNotRingTwice() async throws {
        let run = StackEnvironment.uniqueName("k")
        let pool = SSHConnectionPool(logger: harnessLogger)
        let standIn = try await InjectorStandIn.make(
            pool: pool, users: [.init(login: "bell", name: "Bell User"), .init(login: "mail", name: "Mail User",
                email: "mail-\(run)@cliente.test")])
        let environment = try Self.environment(
            extra: try Self.bellSettings([
                "CONNECTAS_NOTIFIER_ODOO_TIMEOUT_SECONDS": "5", "CONNECTAS_NOTIFIER_SMTP_TIMEOUT_SECONDS": "5",
                "CONNECTAS_NOTIFIER_LEASE_MARGIN_SECONDS": "1",
            ]))
        let database = try await HarnessDatabase.create("notifier")
        let topics = try await HarnessTopics.create("notifier")
        let bell = Self.session("bell", in: standIn, run: run, NotificationSettings(channels: [.bell], language: .english))
        let mail = Self.session("mail", in: standIn, run: run, NotificationSettings(channels: [.email], language: .english))
        for (session, crash) in [(bell, "bell"), (mail, "email")] {
            let replica = try await ServiceProcess.start(
                "notifier", database: database, topics: topics,
                extra: environment.merging(["CONNECTAS_NOTIFIER_CRASH_AFTER_SEND": crash]) { $1 })
            try await topics.publish(session.approved, id: "\(session.sessionID)-approved")
            try await topics.publish(session.linkIssued(at: Date()), id: "\(session.sessionID)-link")
            try await topics.publish(session.redeemed, id: "\(session.sessionID)-redeemed")
            let deadline = ContinuousClock.now + .seconds(90)
            while replica.process.isRunning && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(!replica.process.isRunning, "notifier did not crash after the \(crash) send")
            let status = await replica.stop()
            #expect(status == 70, "\(replica.outputTail())")
        }
        let survivor = try await ServiceProcess.start("notifier", database: database, topics: topics, extra: environment)
        let sent = try await Self.sentNotifications(on: topics, atLeast: 2)
        #expect(sent.count == 2)
        #expect(Set(sent.map(\.channel)) == [.bell, .email])
        let bells = try await standIn.inbox(of: "bell", pool: pool)
        #expect(bells.count == 1, "the bell rang \(bells.count) times")
        let mails = try MaildirMessage.all(containing: "mail-\(run)@cliente.test")
        #expect((1...2).contains(mails.count), "\(mails.count) e-mails")
        #expect(Set(mails.map(\.messageID)).count == 1)
        #expect(await survivor.stop() == 0)
        await topics.close()
        await database.drop()
        await pool.shutdown()
    }

    @Test func aBellOdooRefusesFailsToTheDeadLetterTopicAndTheMailStillGoesOut() async throws {
        let run = StackEnvironment.uniqueName("r")
        let pool = SSHConnectionPool(logger: harnessLogger)
        let standIn = try await InjectorStandIn.make(
            pool: pool, users: [.init(login: "sam", name: "Sam", email: "sam-\(run)@cliente.test")], withMail: false)
        try await withNotifier(extra: try Self.bellSettings()) { _, _, topics in
            let sam = Self.session("sam", in: standIn, run: run, NotificationSettings(channels: [.email, .bell], language: .english))
            try await topics.publish(sam.approved, id: "\(sam.sessionID)-approved")
            try await topics.publish(sam.linkIssued(at: Date()), id: "\(sam.sessionID)-link")
            try await topics.publish(sam.redeemed, id: "\(sam.sessionID)-redeemed")
            let events = try await topics.read(topics.events) { events in
                events.contains { $0.type == NotificationFailed.eventType }
                    && events.contains { $0.type == NotificationSent.eventType }
            }
            let failed = events.compactMap { event -> NotificationFailed? in
                if case .notificationFailed(let failed) = event.message { return failed }
                return nil
            }
            try #require(failed.count == 1)
            #expect(failed[0].channel == .bell)
            #expect(failed[0].attempts == 1, "a refusal is not retried")
            #expect(failed[0].reason.contains("mail_not_installed"))
            let sent = events.compactMap { event -> NotificationSent? in
                if case .notificationSent(let sent) = event.message { return sent }
                return nil
            }
            #expect(sent.map(\.channel) == [.email])
            let letters = try await topics.read(topics.deadLetters) { !$0.isEmpty }
            guard case .deadLetter(let letter) = letters.first?.message else {
                Issue.record("no dead letter")
                return
            }
            #expect(letter.errorCode == "notification_failed")
            #expect(letter.originalEventId == "\(sam.sessionID)-redeemed")
            #expect(try MaildirMessage.all(containing: "sam-\(run)@cliente.test").count == 1)
        }
        await pool.shutdown()
    }

    // MARK: - Helpers

    /// A session of a stand-in user, in the stand-in's environment.
    static func session(
        _ login: String, in standIn: InjectorStandIn, run: String, _ notifications: NotificationSettings,
        language: String? = nil
    ) -> HarnessSession {
        HarnessSession(
            notifications: notifications,
            target: ResolvedTarget(
                odooUserId: standIn.userIds[login]!, login: login, displayName: "User \(login)",
                email: "\(login)-\(run)@cliente.test", language: language),
            environment: standIn.snapshot(domain: "erp.cliente.test"))
    }

    static func publishLife(of session: HarnessSession, _ scenario: String, on topics: HarnessTopics) async throws {
        try await topics.publish(session.approved, id: "\(session.sessionID)-approved")
        try await topics.publish(session.linkIssued(at: Date()), id: "\(session.sessionID)-link")
        switch scenario {
        case "ended":
            try await topics.publish(session.redeemed, id: "\(session.sessionID)-redeemed")
            try await topics.publish(session.ended, id: "\(session.sessionID)-ended")
        case "revoked":
            try await topics.publish(session.redeemed, id: "\(session.sessionID)-redeemed")
            try await topics.publish(session.revoked(reason: "Left open by mistake"), id: "\(session.sessionID)-revoked")
        default:
            try await topics.publish(session.expired, id: "\(session.sessionID)-expired")
        }
    }

    /// Every NotificationSent once at least `count` arrived, and a few seconds more for any that should not.
    static func sentNotifications(on topics: HarnessTopics, atLeast count: Int) async throws -> [NotificationSent] {
        @Sendable func sent(_ events: [DecodedEvent]) -> [NotificationSent] {
            events.compactMap { event in
                if case .notificationSent(let sent) = event.message { return sent }
                return nil
            }
        }
        _ = try await topics.read(topics.events, timeout: .seconds(120)) { sent($0).count >= count }
        try await Task.sleep(for: .seconds(3))
        return sent(try await topics.read(topics.events, timeout: .seconds(10)) { sent($0).count >= count + 1 })
    }
}
