import ArgumentParser
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The audit: a session's trail (the default), the chain check against the signed checkpoints, and checkpoints on
/// demand.
struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read and check the audit.",
        subcommands: [AuditSession.self, AuditSessions.self, AuditVerify.self, AuditCheckpoint.self, AuditPublicKey.self],
        defaultSubcommand: AuditSession.self)
}

/// audit-writer's HTTP address.
struct AuditAddress: ParsableArguments {
    @Option(help: "audit-writer's HTTP address.")
    var auditURL = ProcessInfo.processInfo.environment["CONNECTAS_AUDIT_URL"] ?? "http://127.0.0.1:8083"
    @Option(help: "The file holding an operator token of the audit API.")
    var tokenFile = ProcessInfo.processInfo.environment["CONNECTAS_AUDIT_OPERATOR_TOKEN_FILE"]

    /// `url` with the operator token (`CONNECTAS_AUDIT_OPERATOR_TOKEN_FILE`, first line) as its bearer.
    static func authorized(_ url: URL, method: String, tokenFile: String? = nil) throws -> URLRequest {
        var request = URLRequest(url: url)
        request.httpMethod = method
        guard let file = tokenFile ?? ProcessInfo.processInfo.environment["CONNECTAS_AUDIT_OPERATOR_TOKEN_FILE"] else {
            throw CLIError("give --token-file (or CONNECTAS_AUDIT_OPERATOR_TOKEN_FILE): the audit API needs a token")
        }
        guard let data = FileManager.default.contents(atPath: file),
            let token = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first
        else { throw CLIError("\(file) holds no token") }
        request.setValue("Bearer \(token.trimmingCharacters(in: .whitespaces))", forHTTPHeaderField: "Authorization")
        return request
    }

    /// The body of a 200 answer, pretty-printed; anything else is an error that quotes the answer.
    func request(_ method: String, _ path: String) async throws -> String {
        guard let url = URL(string: "\(auditURL)\(path)") else { throw ValidationError("bad URL \(auditURL)\(path)") }
        let request = try Self.authorized(url, method: method, tokenFile: tokenFile)
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else {
            throw CLIError("audit-writer answered \(status): \(String(decoding: data, as: UTF8.self))")
        }
        let object = try JSONSerialization.jsonObject(with: data)
        let pretty = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: pretty, as: UTF8.self)
    }
}

/// Shows a session's audit trail as audit-writer stores it: its status row and every event, in order.
struct AuditSession: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "session", abstract: "Show a session's audit trail.")

    @OptionGroup var address: AuditAddress
    @Argument(help: "Session id.") var session: String

    func run() async throws {
        print(try await address.request("GET", "/v1/sessions/\(session)"))
    }
}

/// Has audit-writer sign and publish a checkpoint of the chain's head now.
struct AuditCheckpoint: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint", abstract: "Sign and publish a checkpoint of the audit chain's head now.")

    @OptionGroup var address: AuditAddress

    func run() async throws {
        print(try await address.request("POST", "/v1/checkpoints"))
    }
}
