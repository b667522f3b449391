import ConnectAsSchema
import Foundation
import Testing

@testable import ConnectAsOdoo

/// The stdin protocol and the result line, without a server.
@Suite struct OdooScriptProtocolTests {
    static let hostileLogin = "x\"; import os; os.system('touch /tmp/pwned') #\n$(id)`id`'"

    @Test func userStringsTravelOnlyAsBase64OnStandardInput() throws {
        var request = ScriptRequest(op: "create_session")
        request.requestId = "req-1"
        request.user = ScriptUser(login: Self.hostileLogin)
        let input = try OdooScript.standardInput(for: request)
        let text = String(decoding: input, as: UTF8.self)
        let firstLine = try #require(text.split(separator: "\n", maxSplits: 1).first)
        #expect(firstLine.hasPrefix("CONNECTAS_REQUEST = \""))
        #expect(!text.contains("pwned"))
        #expect(!text.contains("$(id)"))

        let literal = firstLine.dropFirst("CONNECTAS_REQUEST = \"".count).dropLast()
        #expect(literal.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+/=".contains($0)) })
        let json = try #require(Data(base64Encoded: String(literal)))
        let decoded = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect((decoded["user"] as? [String: Any])?["login"] as? String == Self.hostileLogin)
        #expect(decoded["v"] as? Int == 1)
        #expect(decoded["op"] as? String == "create_session")

        // The script follows, unchanged.
        let script = try OdooScript.source.get()
        #expect(input.suffix(script.count) == script)
    }

    @Test func theBatchBoundIsTheScripts() throws {
        let script = String(decoding: try OdooScript.source.get(), as: UTF8.self)
        #expect(script.contains("\nMAX_SIDS = \(OdooShell.maxSessionsPerDelete)\n"))
    }

    @Test func theOneResultLineIsPickedFromStdout() throws {
        let stdout = Data("some module printed this\nCONNECTAS-RESULT {\"ok\": true, \"deleted\": true}\n".utf8)
        let line = try OdooScript.outcome(stdout: stdout, stderr: Data(), exitStatus: 0, exitSignal: nil)
        #expect(String(decoding: line, as: UTF8.self) == "{\"ok\": true, \"deleted\": true}")
    }

    @Test func aShellThatDiesWithoutAnswerIsShellFailedWithItsStderr() {
        #expect {
            try OdooScript.outcome(
                stdout: Data(), stderr: Data("FATAL:  database \"x\" does not exist\n".utf8), exitStatus: 1,
                exitSignal: nil)
        } throws: { error in
            let error = error as? OdooShellError
            return error?.code == .shellFailed && error?.message.contains("does not exist") == true
                && error?.isRetriable == true
        }
    }

    @Test func theLastResultLineWins() throws {
        let stdout = Data("CONNECTAS-RESULT {\"ok\": false}\nCONNECTAS-RESULT {\"ok\": true}\n".utf8)
        let line = try OdooScript.outcome(stdout: stdout, stderr: Data(), exitStatus: 0, exitSignal: nil)
        #expect(String(decoding: line, as: UTF8.self) == "{\"ok\": true}")
    }

    @Test func onlyTheLastLineOfStderrIsQuoted() {
        let stderr = Data("Traceback (most recent call last):\n  File \"x\", line 1\nOperationalError: boom\n\n".utf8)
        #expect(OdooScript.lastLine(of: stderr) == "stderr: OperationalError: boom")
        #expect(OdooScript.lastLine(of: Data()) == "no output on stderr")
    }

    @Test func refusalsKeepTheScriptsCode() {
        let refusal = OdooShellError.refusal(code: "administrator_protected", message: "protected")
        #expect(refusal.code == .administratorProtected)
        #expect(refusal.isRefusal)
        #expect(!refusal.isRetriable)
        #expect(OdooShellError.refusal(code: "internal", message: "locked").isRetriable)
    }

    @Test func sessionIdsDoNotPrint() {
        let sid = OdooSessionID(rawValue: "0123456789abcdef0123456789abcdef01234567")
        #expect(!"\(sid)".contains("0123"))
        #expect(!String(reflecting: sid).contains("0123"))
        var dumped = ""
        dump(sid, to: &dumped)
        #expect(!dumped.contains("0123"))
    }
}
