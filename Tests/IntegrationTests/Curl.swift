import Foundation

/// One HTTP request made by curl, as a browser would, without following redirects: what a test of a redeem link
/// needs to see (the status, the Location, the Set-Cookie) and URLSession on Linux does not show.
struct CurlResponse: Sendable {
    let status: Int
    let headers: [(name: String, value: String)]
    let body: String

    func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// The value of a cookie the response sets.
    func cookie(_ name: String) -> String? {
        headers.filter { $0.name.caseInsensitiveCompare("set-cookie") == .orderedSame }
            .compactMap { header -> String? in
                guard header.value.hasPrefix("\(name)=") else { return nil }
                return String(header.value.dropFirst(name.count + 1).prefix { $0 != ";" })
            }.first
    }

    static func get(_ url: String, cookie: String? = nil, userAgent: String = "integration-test") throws -> CurlResponse {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        var arguments = ["-s", "-D", "-", "-A", userAgent, "--max-time", "30"]
        if let cookie { arguments += ["-b", cookie] }
        process.arguments = arguments + [url]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        let head = parts.first?.components(separatedBy: "\r\n") ?? []
        let status = head.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        let headers = head.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return CurlResponse(status: status, headers: headers, body: parts.dropFirst().joined(separator: "\r\n\r\n"))
    }
}
