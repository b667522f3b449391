import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The audit API's bearer tokens for the tests' audit-writers (``AuditAccess`` in AuditWriter): one for the platform's
/// back end and one for operators, random per test process, in files the services read.
public enum AuditTokens {
    public static let platform = random()
    public static let `operator` = random()

    static let directory = FileManager.default.temporaryDirectory.appendingPathComponent("audit-tokens-\(getpid())")

    /// What an audit-writer needs to know them. The files are written once per test process, atomically: tests run
    /// in parallel, and an audit-writer reading a file another test is rewriting would find it empty.
    public static func environment() throws -> [String: String] {
        try files.get()
    }

    private static let files: Result<[String: String], any Error> = Result {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let platformFile = directory.appendingPathComponent("platform.token")
        let operatorFile = directory.appendingPathComponent("operator.token")
        try Data(platform.utf8).write(to: platformFile, options: .atomic)
        try Data(`operator`.utf8).write(to: operatorFile, options: .atomic)
        return [
            "CONNECTAS_AUDIT_PLATFORM_TOKEN_FILE": platformFile.path,
            "CONNECTAS_AUDIT_OPERATOR_TOKEN_FILE": operatorFile.path,
        ]
    }

    /// A GET (or `method`) of `url` with `token` as its bearer.
    public static func request(_ url: URL, token: String = AuditTokens.operator, method: String = "GET") -> URLRequest {
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        return request
    }

    private static func random() -> String {
        (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }
}
