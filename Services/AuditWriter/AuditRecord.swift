import ConnectAsSchema
import Foundation

/// One row of `audit_events` as it is stored, and the bytes its hash covers.
///
/// Version 2 (every record appended since migration 3) hashes every stored field; version 1 hashed the canonical
/// CloudEvent alone. For both, ``AuditVerifier`` also derives the columns again from the canonical bytes, so a
/// column edited to say something the event does not is caught whatever the version.
struct AuditRecord: Sendable, Equatable {
    static let currentVersion: Int16 = 2

    var seq: Int64
    var eventID: String
    var eventType: String
    /// Microseconds since 1970 (PostgreSQL's own resolution), so that what is hashed is exactly what is stored.
    var eventTimeMicros: Int64
    var source: String
    var subject: String?
    var sessionID: String?
    var requestID: String?
    var orgID: String?
    var environmentID: String?
    var actorID: String?
    var actorEmail: String?
    var targetLogin: String?
    var targetOdooUserID: Int64?
    var canonical: String
    var recordedAtMicros: Int64
    var version: Int16

    /// The record of `event`, its columns derived from the event as ``AuditFacts`` reads them.
    init(seq: Int64, event: DecodedEvent, canonical: String, recordedAtMicros: Int64, version: Int16 = currentVersion)
    {
        let facts = AuditFacts(event)
        self.seq = seq
        eventID = event.attributes.id.storableAsText
        eventType = event.type.rawValue
        eventTimeMicros = Self.micros(event.attributes.time)
        source = event.attributes.source.storableAsText
        subject = event.attributes.subject.storableAsText
        sessionID = facts.sessionID.storableAsText
        requestID = facts.requestID.storableAsText
        orgID = facts.orgID.storableAsText
        environmentID = facts.environmentID.storableAsText
        actorID = facts.actor?.platformUserId.storableAsText
        actorEmail = facts.actor?.email.storableAsText
        targetLogin = facts.targetLogin.storableAsText
        targetOdooUserID = facts.targetOdooUserID.map(Int64.init)
        self.canonical = canonical
        self.recordedAtMicros = recordedAtMicros
        self.version = version
    }

    init(
        seq: Int64, eventID: String, eventType: String, eventTimeMicros: Int64, source: String, subject: String?,
        sessionID: String?, requestID: String?, orgID: String?, environmentID: String?, actorID: String?,
        actorEmail: String?, targetLogin: String?, targetOdooUserID: Int64?, canonical: String,
        recordedAtMicros: Int64, version: Int16
    ) {
        self.seq = seq
        self.eventID = eventID
        self.eventType = eventType
        self.eventTimeMicros = eventTimeMicros
        self.source = source
        self.subject = subject
        self.sessionID = sessionID
        self.requestID = requestID
        self.orgID = orgID
        self.environmentID = environmentID
        self.actorID = actorID
        self.actorEmail = actorEmail
        self.targetLogin = targetLogin
        self.targetOdooUserID = targetOdooUserID
        self.canonical = canonical
        self.recordedAtMicros = recordedAtMicros
        self.version = version
    }

    /// The fields the hash covers, in a fixed order, each length-prefixed (or marked absent), so no two different
    /// records give the same bytes.
    var hashedBytes: Data {
        guard version >= 2 else { return Data(canonical.utf8) }
        var bytes = Data("connectas.audit.record.v2".utf8)
        let fields: [String?] = [
            "\(seq)", eventID, eventType, "\(eventTimeMicros)", source, subject, sessionID, requestID, orgID,
            environmentID, actorID, actorEmail, targetLogin, targetOdooUserID.map { "\($0)" }, canonical,
            "\(recordedAtMicros)", "\(version)",
        ]
        for field in fields {
            guard let field else {
                bytes.append(0)
                continue
            }
            let utf8 = Data(field.utf8)
            bytes.append(1)
            withUnsafeBytes(of: UInt32(utf8.count).bigEndian) { bytes.append(contentsOf: $0) }
            bytes.append(utf8)
        }
        return bytes
    }

    /// The columns ``init(seq:event:canonical:recordedAtMicros:version:)`` derives, for comparing two records
    /// of the same event (the time of recording and the version are not derived).
    func sameDerivedColumns(as other: AuditRecord) -> Bool {
        var a = self
        var b = other
        a.recordedAtMicros = 0
        b.recordedAtMicros = 0
        a.version = 0
        b.version = 0
        return a == b
    }

    static func micros(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down)) }

    /// A timestamp PostgreSQL reads back to exactly `micros` (`$n::timestamptz`).
    static func timestampText(micros: Int64) -> String {
        let micros = min(max(micros, -62_135_596_800_000_000), 253_402_300_799_999_999)
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let fraction = micros - seconds * 1_000_000
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d.%06lld+00", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), fraction)
    }
}
