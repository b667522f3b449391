import Foundation

/// The production script (`Resources/connectas_shell.py`) and the standard input that runs it.
enum OdooScript {
    static let marker = "CONNECTAS-RESULT "

    /// Read once from the module's bundle; the same bytes go to every server.
    static let source: Result<Data, OdooShellError> = {
        guard let url = Bundle.module.url(forResource: "connectas_shell", withExtension: "py"),
            let data = try? Data(contentsOf: url), !data.isEmpty
        else {
            return .failure(
                OdooShellError(.internalError, "connectas_shell.py is missing from the ConnectAsOdoo resource bundle"))
        }
        return .success(data)
    }()

    /// `CONNECTAS_REQUEST = "<base64 of the request JSON>"` and the script. Base64 keeps every user-supplied string
    /// inside a plain ASCII literal it cannot break out of.
    static func standardInput(for request: ScriptRequest) throws(OdooShellError) -> Data {
        let script = try source.get()
        let json: Data
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            json = try encoder.encode(request)
        } catch {
            throw OdooShellError(.internalError, "cannot encode the request: \(error)")
        }
        var input = Data("CONNECTAS_REQUEST = \"\(json.base64EncodedString())\"\n".utf8)
        input.append(script)
        return input
    }

    /// The script's result line: the last stdout line with the marker (the contract in Tests/OdooStandIn/README.md);
    /// Odoo logs to stderr, and anything else on stdout (a module printing at import) is ignored. stdout is never
    /// logged: the line can hold a session id.
    static func outcome(
        stdout: Data, stderr: Data, exitStatus: Int32, exitSignal: String?
    )
        throws(OdooShellError) -> Data
    {
        let text = String(decoding: stdout, as: UTF8.self)
        guard let line = text.split(whereSeparator: \.isNewline).last(where: { $0.hasPrefix(marker) }) else {
            let how = exitSignal.map { "was killed by SIG\($0)" } ?? "exited with status \(exitStatus)"
            throw OdooShellError(
                .shellFailed, "odoo shell \(how) without a result line (\(lastLine(of: stderr)))", isRetriable: true)
        }
        return Data(line.dropFirst(marker.count).utf8)
    }

    /// The last line of Odoo's stderr, bounded: usually the exception that stopped the shell ("database … does not
    /// exist"), enough for an operator without copying Odoo's whole log into events.
    static func lastLine(of stderr: Data, limit: Int = 200) -> String {
        let text = String(decoding: stderr.suffix(4096), as: UTF8.self)
        let last = text.split(whereSeparator: \.isNewline).last { !$0.allSatisfy(\.isWhitespace) }
        guard let last else { return "no output on stderr" }
        let flat = String(last.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) })
            .trimmingCharacters(in: .whitespaces)
        return "stderr: " + (flat.count > limit ? String(flat.prefix(limit)) + "…" : flat)
    }
}
