import ConnectAsPostgres
import ConnectAsSchema
import Foundation
import Hummingbird

/// What an auditor asks of the session log: the query parameters of the list and export routes, checked, and the SQL
/// they become. Newest first by initiation, paged by an opaque cursor (the last row's time and id).
///
/// | parameter | meaning |
/// |---|---|
/// | `environment` | one environment (the org-level route; the environment route names its own) |
/// | `actor` | the support user's platform user id |
/// | `target` | the Odoo login signed in as |
/// | `status` | initiated, redeemed, ended, revoked, denied, expired, failed |
/// | `startedAfter`, `startedBefore` | initiated in [after, before), RFC 3339 |
/// | `endedAfter`, `endedBefore` | ended in [after, before), RFC 3339 |
/// | `q` | text the reason contains, any case (up to 200 characters) |
/// | `limit` | rows per page, 1–1000 (default 100; an export is not paged) |
/// | `cursor` | the `next` of the previous page |
/// | `format` | `json` (default, one page), `csv` or `jsonl` (every matching row, streamed) |
struct AuditSessionFilter: Sendable, Equatable {
    enum Format: String, Sendable { case json, csv, jsonl }

    static let statuses: Set<String> = ["initiated", "redeemed", "ended", "revoked", "denied", "expired", "failed"]

    var orgID: String
    var environmentID: String?
    var actorID: String?
    var targetLogin: String?
    var status: String?
    var startedAfter: Int64?
    var startedBefore: Int64?
    var endedAfter: Int64?
    var endedBefore: Int64?
    var text: String?
    var limit = 100
    var after: (micros: Int64, id: Int64)?
    var format = Format.json

    static func == (a: Self, b: Self) -> Bool {
        a.orgID == b.orgID && a.environmentID == b.environmentID && a.actorID == b.actorID
            && a.targetLogin == b.targetLogin && a.status == b.status && a.startedAfter == b.startedAfter
            && a.startedBefore == b.startedBefore && a.endedAfter == b.endedAfter && a.endedBefore == b.endedBefore
            && a.text == b.text && a.limit == b.limit && a.after?.micros == b.after?.micros
            && a.after?.id == b.after?.id && a.format == b.format
    }

    /// Reads the parameters; a bad one is 400 naming it.
    init(orgID: String, environmentID: String?, parameters: [String: String]) throws {
        func bad(_ name: String, _ expected: String) -> HTTPError {
            HTTPError(.badRequest, message: "\(name) must be \(expected)")
        }
        func text(_ name: String, max: Int = 200) throws -> String? {
            guard let value = parameters[name], !value.isEmpty else { return nil }
            guard value.count <= max, !value.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
                throw bad(name, "at most \(max) characters, without control characters")
            }
            return value
        }
        func time(_ name: String) throws -> Int64? {
            guard let value = parameters[name], !value.isEmpty else { return nil }
            guard let date = RFC3339.date(from: value) else { throw bad(name, "an RFC 3339 timestamp") }
            return AuditRecord.micros(date)
        }
        self.orgID = orgID
        self.environmentID = try environmentID ?? text("environment")
        actorID = try text("actor")
        targetLogin = try text("target")
        status = try text("status")
        if let status, !Self.statuses.contains(status) {
            throw bad("status", "one of \(Self.statuses.sorted().joined(separator: ", "))")
        }
        startedAfter = try time("startedAfter")
        startedBefore = try time("startedBefore")
        endedAfter = try time("endedAfter")
        endedBefore = try time("endedBefore")
        self.text = try text("q")
        if let value = parameters["limit"] {
            guard let number = Int(value), (1...1000).contains(number) else { throw bad("limit", "from 1 to 1000") }
            limit = number
        }
        if let value = parameters["cursor"] {
            guard let cursor = Self.decodeCursor(value) else { throw bad("cursor", "the next of a previous page") }
            after = cursor
        }
        if let value = parameters["format"] {
            guard let format = Format(rawValue: value) else { throw bad("format", "json, csv or jsonl") }
            self.format = format
        }
    }

    /// The position a page ends at, for the next one.
    static func cursor(micros: Int64, id: Int64) -> String {
        Data("\(micros).\(id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decodeCursor(_ text: String) -> (micros: Int64, id: Int64)? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard text.count <= 64, let data = Data(base64Encoded: base64) else { return nil }
        let parts = String(decoding: data, as: UTF8.self).split(separator: ".")
        // Years 1 to 9999 only: the time is written back as a timestamp, and an extreme one must not overflow.
        guard parts.count == 2, let micros = Int64(parts[0]), let id = Int64(parts[1]),
            (-62_135_596_800_000_000...253_402_300_799_999_999).contains(micros), id >= 0
        else { return nil }
        return (micros, id)
    }

    /// `reason` contains the text: LIKE's own characters taken literally.
    var likePattern: String? {
        text.map {
            "%" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_") + "%"
        }
    }

    /// The rows' order key: when the session was initiated (rows without one last), then the row's id.
    static let orderKey = "COALESCE(s.initiated_at, timestamptz 'epoch')"

    /// One page (`limit` rows) after `after`, as SQL and its parameters; `select` is what each row returns.
    func query(select: String, after: (micros: Int64, id: Int64)?, limit: Int) -> (String, [any PostgresEncodable]) {
        func time(_ micros: Int64?) -> String? { micros.map { AuditRecord.timestampText(micros: $0) } }
        let sql = """
            SELECT s.id, (extract(epoch FROM \(Self.orderKey)) * 1000000)::bigint AS key_micros, \(select)
            FROM audit_sessions s
            WHERE s.org_id = $1
              AND ($2::text IS NULL OR s.environment_id = $2)
              AND ($3::text IS NULL OR s.actor_id = $3)
              AND ($4::text IS NULL OR s.target_login = $4)
              AND ($5::text IS NULL OR s.status = $5)
              AND ($6::timestamptz IS NULL OR s.initiated_at >= $6)
              AND ($7::timestamptz IS NULL OR s.initiated_at < $7)
              AND ($8::timestamptz IS NULL OR s.ended_at >= $8)
              AND ($9::timestamptz IS NULL OR s.ended_at < $9)
              AND ($10::text IS NULL OR s.reason ILIKE $10 ESCAPE '\\')
              AND ($11::timestamptz IS NULL OR (\(Self.orderKey), s.id) < ($11::timestamptz, $12::bigint))
            ORDER BY \(Self.orderKey) DESC, s.id DESC
            LIMIT $13
            """
        let parameters: [any PostgresEncodable] = [
            orgID, environmentID, actorID, targetLogin, status, time(startedAfter), time(startedBefore),
            time(endedAfter), time(endedBefore), likePattern, time(after?.micros), after?.id ?? 0, Int64(limit),
        ]
        return (sql, parameters)
    }
}
