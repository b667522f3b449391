import ConnectAsSchema
import Foundation

/// A queued notification as the sender claims it from `notifications`.
struct PendingNotification: Sendable {
    var id: Int64
    var notificationID: String
    var sessionID: String
    var requestID: String
    var orgID: String
    var environmentID: String
    var channel: NotificationChannel
    var language: NotificationLanguage
    var recipient: ResolvedTarget
    var notifiedEventID: String
    var notifiedEventType: String
    var sourceTopic: String
    var sourcePartition: Int32
    var sourceOffset: Int64
    var sourceKey: Data?
    var sourcePayload: Data
    var messageID: String
    var subject: String
    var bodyText: String
    var bodyHTML: String?
    var bellText: String?
    /// Where a bell is rung.
    var environment: EnvironmentSnapshot?
    /// Including the one being made now.
    var attempts: Int

    /// Unique per (session, event kind, channel): the notification's identity, from which its Message-ID, its bell's
    /// id in Odoo and its NotificationSent's event id are derived, so a resend or a republish is recognisably the
    /// same one.
    static func identity(sessionID: String, eventKind: String, channel: NotificationChannel) -> String {
        "\(sessionID):\(eventKind):\(channel.rawValue)"
    }

    /// `connectas.<identity>@<sender's domain>`, the identity escaped into Message-ID characters without collisions
    /// (`=XX` for each byte outside letters, digits, `-` and `_`).
    static func messageID(for identity: String, domain: String) -> String {
        var local = "connectas."
        for byte in identity.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                local.append(Character(UnicodeScalar(byte)))
            default:
                local += "=" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return "\(local)@\(domain)"
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
