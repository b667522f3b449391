import ConnectAsSSH
import Foundation
import Testing

@Suite("Exec with stdin, stdout, stderr and exit status")
struct ExecTests {
    let server: SSHTestServer

    init() throws { server = try SSHTestServer() }

    @Test func catEchoesStdin() async throws {
        try await server.withPool { pool in
            let result = try await pool.exec(
                on: server.target, credentials: server.ed25519, command: "cat", stdin: Data("hello, stdin\n".utf8))
            #expect(result.stdout.text == "hello, stdin\n")
            #expect(result.stderr.isEmpty)
            #expect(result.exitStatus == 0)
            #expect(result.exitSignal == nil)
            #expect(result.succeeded)
        }
    }

    @Test func largeJSONPayloadComesBackIntact() async throws {
        var random = SystemRandomNumberGenerator()
        let body = Data((0..<(768 * 1024)).map { _ in UInt8.random(in: 0...255, using: &random) }).base64EncodedString()
        let payload = try JSONSerialization.data(withJSONObject: [
            "request": "r-1", "login": "o'brien; rm -rf /", "body": body,
        ])
        #expect(payload.count > 1 << 20)
        try await server.withPool { pool in
            let result = try await pool.exec(
                on: server.target, credentials: server.ed25519, command: "cat", stdin: payload)
            #expect(result.stdout == payload)
            #expect(result.exitStatus == 0)
            let decoded = try JSONSerialization.jsonObject(with: result.stdout) as? [String: String]
            #expect(decoded?["body"] == body)
        }
    }

    @Test func stderrAndNonZeroExitStatusAreCaptured() async throws {
        try await server.withPool { pool in
            let result = try await pool.exec(
                on: server.target, credentials: server.ed25519, command: "echo to-stdout; echo to-stderr >&2; exit 3")
            #expect(result.stdout.text == "to-stdout\n")
            #expect(result.stderr.text == "to-stderr\n")
            #expect(result.exitStatus == 3)
            #expect(!result.succeeded)
        }
    }

    @Test func exitSignalIsReported() async throws {
        try await server.withPool { pool in
            let result = try await pool.exec(on: server.target, credentials: server.ed25519, command: "kill -TERM $$")
            #expect(result.exitSignal == "TERM")
        }
    }

    /// The command writes 3 MB before it reads any of its 3 MB of stdin: more than either side's 2 MiB window, so a
    /// client that wrote all of stdin before reading would wait forever.
    @Test func commandWritingBeforeReadingStdinDoesNotDeadlock() async throws {
        let size = 3_000_000
        let stdin = Data((0..<size).map { UInt8(truncatingIfNeeded: $0 % 251) })
        try await server.withPool { pool in
            let result = try await pool.exec(
                on: server.target, credentials: server.ed25519,
                command: "head -c \(size) /dev/zero; cat; echo done >&2",
                stdin: stdin, timeout: .seconds(30))
            #expect(result.stdout.count == 2 * size)
            #expect(result.stdout.prefix(size).allSatisfy { $0 == 0 })
            #expect(result.stdout.suffix(size) == stdin)
            #expect(result.stderr.text == "done\n")
        }
    }

    @Test func outputBeyondTheLimitIsRefused() async throws {
        try await server.withPool({ $0.maxOutputBytes = 100_000 }) { pool in
            await #expect {
                try await pool.exec(
                    on: server.target, credentials: server.ed25519, command: "head -c 1000000 /dev/zero")
            } throws: { ($0 as? SSHError)?.code == .outputTooLarge }
            let next = try await pool.exec(on: server.target, credentials: server.ed25519, command: "echo fine")
            #expect(next.stdout.text == "fine\n")
            #expect(pool.connectionsEstablished == 1)
        }
    }
}
