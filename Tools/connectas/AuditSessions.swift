import ArgumentParser
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The session log as the platform reads it for one of its users (the platform token): filters, a page of JSON, or
/// every matching session as CSV or JSON Lines.
struct AuditSessions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "List or export audited sessions, as the platform asks for one of its users.",
        discussion: "An environment's log needs env.impersonation.view_audit on it; without --env, the "
            + "organisation's log, which needs an Owner.")

    @OptionGroup var address: AuditAddress
    @Option(help: "The file holding the platform's token of the audit API.")
    var platformTokenFile = ProcessInfo.processInfo.environment["CONNECTAS_AUDIT_PLATFORM_TOKEN_FILE"]
    @Option(help: "Organisation id.") var org: String
    @Option(help: "Environment id (default: the organisation's whole log).") var env: String?
    @Option(help: "The platform user asking.") var asUser: String
    @Option(help: "Support user (platform user id).") var actor: String?
    @Option(help: "Odoo login signed in as.") var target: String?
    @Option(help: "initiated, redeemed, ended, revoked, denied, expired, failed.") var status: String?
    @Option(help: "Initiated at or after (RFC 3339).") var since: String?
    @Option(help: "Initiated before (RFC 3339).") var until: String?
    @Option(help: "Ended at or after (RFC 3339).") var endedSince: String?
    @Option(help: "Ended before (RFC 3339).") var endedUntil: String?
    @Option(help: "Text the reason contains.") var reasonContains: String?
    @Option(help: "json (one page), csv or jsonl (everything).") var format = "json"
    @Option(help: "Rows per page (json).") var limit: Int?
    @Option(help: "The next of a previous page (json).") var cursor: String?

    func run() async throws {
        let path = env.map { "/v1/orgs/\(org)/environments/\($0)/sessions" } ?? "/v1/orgs/\(org)/sessions"
        var components = URLComponents(string: address.auditURL + path)
        let items: [(String, String?)] = [
            ("asUser", asUser), ("actor", actor), ("target", target), ("status", status), ("startedAfter", since),
            ("startedBefore", until), ("endedAfter", endedSince), ("endedBefore", endedUntil),
            ("q", reasonContains), ("format", format), ("limit", limit.map(String.init)), ("cursor", cursor),
        ]
        components?.queryItems = items.compactMap { name, value in value.map { URLQueryItem(name: name, value: $0) } }
        guard let url = components?.url else { throw ValidationError("bad URL \(address.auditURL)\(path)") }
        guard let file = platformTokenFile, let data = FileManager.default.contents(atPath: file),
            let token = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first
        else { throw ValidationError("give --platform-token-file (or CONNECTAS_AUDIT_PLATFORM_TOKEN_FILE)") }
        var request = URLRequest(url: url)
        request.setValue("Bearer \(token.trimmingCharacters(in: .whitespaces))", forHTTPHeaderField: "Authorization")
        let (body, response) = try await URLSession.shared.data(for: request)
        let code = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard code == 200 else {
            throw CLIError("audit-writer answered \(code): \(String(decoding: body, as: UTF8.self))")
        }
        FileHandle.standardOutput.write(body)
        if format == "json" { print() }
    }
}
