import ArgumentParser
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Shows a session's audit trail as audit-writer stores it: its status row and every event, in order.
struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show a session's audit trail.")

    @Option(help: "audit-writer's HTTP address.")
    var auditURL = ProcessInfo.processInfo.environment["CONNECTAS_AUDIT_URL"] ?? "http://127.0.0.1:8083"
    @Argument(help: "Session id.") var session: String

    func run() async throws {
        guard let url = URL(string: "\(auditURL)/v1/sessions/\(session)") else { throw ValidationError("bad URL") }
        let (data, response) = try await URLSession.shared.data(from: url)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else {
            throw CLIError("audit-writer answered \(status): \(String(decoding: data, as: UTF8.self))")
        }
        let object = try JSONSerialization.jsonObject(with: data)
        let pretty = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        print(String(decoding: pretty, as: UTF8.self))
    }
}
