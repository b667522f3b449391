import ConnectAsSchema
import Foundation
import Testing

@testable import Notifier

/// The notices' templates, without a server: every shipped one renders completely in both languages, values are
/// never HTML in the text and always escaped in the HTML, and an operator's file overrides the shipped one.
struct NotificationTemplatesTests {
    static let session = RememberedSession(
        sessionID: "ses-1", requestID: "req-1", orgID: "org-1", environmentID: "env-1",
        actorEmail: "ana@support.example", notifyEmail: true, notifyBell: true, language: .english,
        reason: "Invoice <b>view</b> & totals", maxSessionSeconds: 3600,
        target: ResolvedTarget(odooUserId: 7, login: "sam", displayName: "Sam Rivera"),
        sessionExpiresAt: Date(timeIntervalSince1970: 1_740_827_730), environment: nil,
        redeemedAt: Date(timeIntervalSince1970: 1_740_824_130), browserIP: "198.51.100.23")

    static func facts(_ kind: NoticeKind) -> NoticeFacts {
        let at = Date(timeIntervalSince1970: 1_740_824_130 + 3_900)
        let closing: NoticeFacts.Closing? =
            switch kind {
            case .redeemed: nil
            case .ended: NoticeFacts.Closing(at: at, byMaxDuration: true)
            case .revoked: NoticeFacts.Closing(at: at, revokedBy: "lead@support.example", revokeReason: nil)
            case .unused: NoticeFacts.Closing(at: at)
            }
        return NoticeFacts(session: session, recipient: session.target!, closing: closing, platformName: nil)
    }

    @Test(arguments: NoticeKind.allCases, NotificationLanguage.allCases)
    func everyShippedTemplateRendersCompletely(_ kind: NoticeKind, _ language: NotificationLanguage) throws {
        let rendered = try NotificationTemplates().render(
            kind, language: language, facts: Self.facts(kind).values(in: language))
        for part in [rendered.subject, rendered.text, rendered.html, rendered.bell] {
            #expect(!part.isEmpty)
            #expect(!part.contains("{{") && !part.contains("}}"))
        }
        #expect(!rendered.subject.contains("\n"))
        #expect(rendered.text.contains("Invoice <b>view</b> & totals"), "text is not HTML")
        #expect(rendered.html.contains("Invoice &lt;b&gt;view&lt;/b&gt; &amp; totals"))
        #expect(!rendered.text.contains("\n\n\n"))
        #expect(rendered.bell.count < 500)
        if kind == .ended || kind == .revoked {
            #expect(rendered.text.contains(language == .english ? "1 hour 5 minutes" : "1 hora y 5 minutos"))
        }
    }

    @Test func anOperatorsFileOverridesTheShippedOneAndABrokenOneStopsTheStart() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("templates-\(UUID())")
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("es"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "Hola {{recipientName}}\nEntró {{actorEmail}}.\n".write(
            to: directory.appendingPathComponent("es/redeemed.txt"), atomically: true, encoding: .utf8)
        let templates = try NotificationTemplates(overrides: directory.path)
        let facts = Self.facts(.redeemed)
        let spanish = templates.render(.redeemed, language: .spanish, facts: facts.values(in: .spanish))
        #expect(spanish.subject == "Hola Sam Rivera")
        #expect(spanish.text == "Entró ana@support.example.\n")
        let english = templates.render(.redeemed, language: .english, facts: facts.values(in: .english))
        #expect(english.subject == "Security notice: support staff signed in to Odoo as you")

        try "{{#unclosed}}".write(
            to: directory.appendingPathComponent("es/ended.bell.txt"), atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) { try NotificationTemplates(overrides: directory.path) }
        #expect(throws: (any Error).self) { try NotificationTemplates(overrides: directory.path + "-missing") }
    }

    @Test func theUsersOwnOdooLanguageWinsWhenThereAreTemplatesForIt() {
        func target(_ language: String?) -> ResolvedTarget {
            ResolvedTarget(odooUserId: 7, login: "sam", displayName: "Sam", language: language)
        }
        #expect(NoticeFacts.language(for: target("es_ES"), org: .english) == .spanish)
        #expect(NoticeFacts.language(for: target("en_US"), org: .spanish) == .english)
        #expect(NoticeFacts.language(for: target("fr_FR"), org: .spanish) == .spanish)
        #expect(NoticeFacts.language(for: target(nil), org: .english) == .english)
    }
}
