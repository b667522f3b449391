import ConnectAsPostgres
import Foundation
import Hummingbird

/// The session log an auditor reads: one page of JSON, or every matching row streamed as CSV or JSON Lines in
/// batches of ``batchSize`` (keyset paging, so memory stays bounded however many rows match).
enum AuditSessionLog {
    static let batchSize = 1000

    static func response(_ filter: AuditSessionFilter, pool: PostgresPool) async throws -> Response {
        switch filter.format {
        case .json: return AuditJSON.response(try await page(filter, pool: pool))
        case .csv: return stream(filter, pool: pool, contentType: "text/csv; charset=utf-8", header: csvHeader)
        case .jsonl: return stream(filter, pool: pool, contentType: "application/x-ndjson", header: nil)
        }
    }

    /// `{"sessions": […], "next": "<cursor>" | null}`.
    static func page(_ filter: AuditSessionFilter, pool: PostgresPool) async throws -> String {
        let (sql, parameters) = filter.query(
            select: "(\(AuditQueries.sessionJSON))::text AS row", after: filter.after, limit: filter.limit)
        let rows = try await pool.query(sql, parameters: parameters)
        var body = "{\"sessions\":["
        var last: (Int64, Int64)?
        for (index, row) in rows.enumerated() {
            if index > 0 { body += "," }
            body += try row.decode("row", as: String.self)
            last = (try row.decode("key_micros"), try row.decode("id"))
        }
        let next = rows.count == filter.limit ? last.map { "\"\(AuditSessionFilter.cursor(micros: $0.0, id: $0.1))\"" } : nil
        return body + "],\"next\":\(next ?? "null")}"
    }

    static func stream(
        _ filter: AuditSessionFilter, pool: PostgresPool, contentType: String, header: String?
    ) -> Response {
        let csv = filter.format == .csv
        let body = ResponseBody { writer in
            if let header { try await writer.write(ByteBuffer(string: header)) }
            var after = filter.after
            while true {
                let (sql, parameters) = filter.query(
                    select: csv ? csvColumns : "(\(AuditQueries.sessionJSON))::text AS row", after: after,
                    limit: batchSize)
                let rows = try await pool.query(sql, parameters: parameters)
                var chunk = ""
                for row in rows {
                    chunk += csv ? try csvLine(row) : try row.decode("row", as: String.self) + "\n"
                    after = (try row.decode("key_micros"), try row.decode("id"))
                }
                if !chunk.isEmpty { try await writer.write(ByteBuffer(string: chunk)) }
                if rows.count < batchSize { break }
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: contentType], body: body)
    }

    static let csvFields = [
        "session_id", "request_id", "org_id", "environment_id", "status", "actor_id", "actor_email", "actor_role",
        "target_login", "target_display_name", "target_email", "reason", "client_ip", "user_agent", "initiated_at",
        "session_expires_at", "redeemed_at", "browser_ip", "ended_at", "end_reason", "ended_by", "denial_code",
        "failure_code", "notified_at",
    ]
    static let timeFields: Set<String> = ["initiated_at", "session_expires_at", "redeemed_at", "ended_at", "notified_at"]
    static let csvHeader = csvFields.joined(separator: ",") + "\r\n"
    static let csvColumns = csvFields.map {
        timeFields.contains($0) ? "audit_rfc3339(s.\($0)) AS \($0)" : "s.\($0)::text AS \($0)"
    }.joined(separator: ", ")

    static func csvLine(_ row: PostgresRow) throws -> String {
        try csvFields.map { csvField(try row.decode($0, as: String?.self)) }.joined(separator: ",") + "\r\n"
    }

    /// RFC 4180 quoting; and a value a spreadsheet would run as a formula (a reason typed by whoever asked for the
    /// session) is prefixed with an apostrophe, so opening the export cannot execute it.
    static func csvField(_ value: String?) -> String {
        guard var value else { return "" }
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
