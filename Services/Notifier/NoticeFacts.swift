import ConnectAsSchema
import Foundation

/// What a notice says, as the values its templates read: who signed in as whom, from where, why, until when, and
/// for a closing notice when and how it closed and how long it lasted. Every time is UTC, `2025-03-01 10:15`.
struct NoticeFacts: Sendable {
    /// How a session closed, for the closing notices.
    struct Closing: Sendable {
        var at: Date
        var endedBy: String?
        var byMaxDuration = false
        var revokedBy: String?
        var revokeReason: String?
    }

    var session: RememberedSession
    var recipient: ResolvedTarget
    var closing: Closing?
    /// The platform's name as the operator configured it; nil for the language's "your hosting platform".
    var platformName: String?

    /// The user's own Odoo language when a template exists for it (`es_ES` → Spanish), else the org's.
    static func language(for target: ResolvedTarget?, org: NotificationLanguage) -> NotificationLanguage {
        guard let code = target?.language?.lowercased() else { return org }
        return NotificationLanguage.allCases.first { code == $0.rawValue || code.hasPrefix($0.rawValue + "_") } ?? org
    }

    func values(in language: NotificationLanguage) -> [String: Any] {
        var values: [String: Any] = [
            "recipientName": recipient.displayName.isEmpty ? recipient.login : recipient.displayName,
            "recipientLogin": recipient.login,
            "actorEmail": session.actorEmail,
            "reason": session.reason,
            "platformName": platformName ?? Self.defaultPlatformName(language),
            "maxDuration": Self.minutes(session.maxSessionSeconds, language),
        ]
        values["sessionExpiresAt"] = session.sessionExpiresAt.map(Self.utc)
        values["redeemedAt"] = session.redeemedAt.map(Self.utc)
        values["browserIp"] = session.browserIP
        if let closing {
            values["endedAt"] = Self.utc(closing.at)
            values["closedAt"] = Self.utc(closing.at)
            if let redeemed = session.redeemedAt {
                values["duration"] = Self.duration(closing.at.timeIntervalSince(redeemed), language)
            }
            values["endedBy"] = closing.endedBy
            if closing.byMaxDuration { values["endedByMaxDuration"] = true }
            values["revokedBy"] = closing.revokedBy
            values["revokeReason"] = closing.revokeReason.flatMap { $0.isEmpty ? nil : $0 }
        }
        return values
    }

    static func defaultPlatformName(_ language: NotificationLanguage) -> String {
        switch language {
        case .english: "your hosting platform"
        case .spanish: "su plataforma de alojamiento"
        }
    }

    /// A maximum duration, in whole minutes as the org set it: `60 minutes`, `1 minuto`.
    static func minutes(_ seconds: Int, _ language: NotificationLanguage) -> String {
        let minutes = max(1, (seconds + 59) / 60)
        switch language {
        case .english: return "\(minutes) \(minutes == 1 ? "minute" : "minutes")"
        case .spanish: return "\(minutes) \(minutes == 1 ? "minuto" : "minutos")"
        }
    }

    /// How long a session lasted: `less than a minute`, `12 minutes`, `1 hour 5 minutes`, `2 horas y 1 minuto`.
    static func duration(_ interval: TimeInterval, _ language: NotificationLanguage) -> String {
        let total = Int(max(0, interval)) / 60
        let (hours, minutes) = (total / 60, total % 60)
        func unit(_ count: Int, _ one: String, _ many: String) -> String { "\(count) \(count == 1 ? one : many)" }
        switch language {
        case .english:
            if total == 0 { return "less than a minute" }
            let parts = [hours > 0 ? unit(hours, "hour", "hours") : nil, minutes > 0 ? unit(minutes, "minute", "minutes") : nil]
            return parts.compactMap { $0 }.joined(separator: " ")
        case .spanish:
            if total == 0 { return "menos de un minuto" }
            let parts = [hours > 0 ? unit(hours, "hora", "horas") : nil, minutes > 0 ? unit(minutes, "minuto", "minutos") : nil]
            return parts.compactMap { $0 }.joined(separator: " y ")
        }
    }

    /// `2025-03-01 10:15`: minutes are what a reader needs; the date first so no locale can misread it.
    static func utc(_ date: Date) -> String {
        let text = RFC3339.string(from: date)
        return String(text.prefix(10)) + " " + String(text.dropFirst(11).prefix(5))
    }
}
