import ConnectAsSchema
import Foundation

/// The e-mail that tells an Odoo user that support staff signed in as them: who, as whom, when, from where, why,
/// and that it ends by itself or can be revoked. English or Spanish, as the org chose.
struct SessionRedeemedMail: Sendable, Equatable {
    var subject: String
    var text: String
    var html: String

    struct Facts: Sendable {
        var recipientName: String
        var recipientLogin: String
        var actorEmail: String
        var redeemedAt: Date
        var browserIP: String
        var reason: String
        var maxSessionSeconds: Int
        var sessionExpiresAt: Date?
    }

    init(_ facts: Facts, language: NotificationLanguage) {
        let lines: [String]
        let minutes = max(1, (facts.maxSessionSeconds + 59) / 60)
        let when = Self.utc(facts.redeemedAt)
        let until = facts.sessionExpiresAt.map(Self.utc)
        switch language {
        case .english:
            subject = "Security notice: support staff signed in to Odoo as you"
            lines = [
                "Hello \(facts.recipientName),",
                "",
                "\(facts.actorEmail), support staff of your hosting platform, signed in to Odoo as you "
                    + "(\(facts.recipientLogin)) to work on a support request.",
                "",
                "When: \(when) UTC",
                "From IP address: \(facts.browserIP)",
                "Reason given: \(facts.reason)",
                "",
                "The session ends automatically after \(minutes) \(minutes == 1 ? "minute" : "minutes")"
                    + (until.map { ", at \($0) UTC." } ?? ".")
                    + " An administrator of your organization can revoke it at any time from the hosting platform.",
                "",
                "You do not need to do anything. If you did not expect this, contact your organization's "
                    + "administrator.",
                "",
                "This message was sent automatically; please do not reply to it.",
            ]
        case .spanish:
            subject = "Aviso de seguridad: el personal de soporte ha iniciado sesión en Odoo como usted"
            lines = [
                "Hola, \(facts.recipientName):",
                "",
                "\(facts.actorEmail), del personal de soporte de su plataforma de alojamiento, ha iniciado sesión "
                    + "en Odoo como usted (\(facts.recipientLogin)) para atender una solicitud de soporte.",
                "",
                "Cuándo: \(when) UTC",
                "Desde la dirección IP: \(facts.browserIP)",
                "Motivo indicado: \(facts.reason)",
                "",
                "La sesión termina automáticamente al cabo de \(minutes) \(minutes == 1 ? "minuto" : "minutos")"
                    + (until.map { ", a las \($0) UTC." } ?? ".")
                    + " Un administrador de su organización puede revocarla en cualquier momento desde la "
                    + "plataforma de alojamiento.",
                "",
                "No tiene que hacer nada. Si no esperaba este acceso, póngase en contacto con el administrador de su "
                    + "organización.",
                "",
                "Este mensaje se ha enviado automáticamente; por favor, no responda a él.",
            ]
        }
        text = lines.joined(separator: "\n") + "\n"
        html = Self.html(lines, language: language)
    }

    /// Paragraphs from the text's blank-line-separated blocks, every user-supplied character escaped.
    private static func html(_ lines: [String], language: NotificationLanguage) -> String {
        var paragraphs: [[String]] = [[]]
        for line in lines {
            if line.isEmpty { paragraphs.append([]) } else { paragraphs[paragraphs.count - 1].append(escape(line)) }
        }
        let body = paragraphs.filter { !$0.isEmpty }.map { "<p>" + $0.joined(separator: "<br>\n") + "</p>" }
        return "<!DOCTYPE html>\n<html lang=\"\(language.rawValue)\"><head><meta charset=\"utf-8\"></head><body>\n"
            + body.joined(separator: "\n") + "\n</body></html>\n"
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// `2025-03-01 10:15` — minutes are what a reader needs; the date first so no locale can misread it.
    static func utc(_ date: Date) -> String {
        let text = RFC3339.string(from: date)
        return String(text.prefix(10)) + " " + String(text.dropFirst(11).prefix(5))
    }
}
