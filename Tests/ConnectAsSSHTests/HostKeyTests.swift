import ConnectAsSSH
import Foundation
import Testing

@Suite("Host key pinning")
struct HostKeyTests {
    let server: SSHTestServer

    init() throws { server = try SSHTestServer() }

    @Test func wrongPinnedFingerprintIsRefusedBeforeAuthentication() async throws {
        var target = server.target
        target.hostKeyFingerprint =
            "SHA256:"
            + Data(repeating: 7, count: 32).base64EncodedString().replacingOccurrences(
                of: "=", with: "")
        // A key file that does not exist: reading it comes after the host-key check, so reaching authentication
        // would have failed with privateKeyUnusable instead.
        let credentials = SSHCredentials.privateKeyFile("/nonexistent/never-read")
        try await server.withPool { pool in
            let error = await #expect(throws: SSHError.self) {
                try await pool.exec(on: target, credentials: credentials, command: "true")
            }
            #expect(error?.code == .hostKeyMismatch)
            #expect(error?.expectedFingerprint == target.hostKeyFingerprint)
            #expect(error?.actualFingerprint == server.target.hostKeyFingerprint)
            #expect(error?.isRetriable == false)
            #expect(pool.connectionsEstablished == 0)
        }
    }

    @Test func pinIsAcceptedWithPaddingOrWithoutPrefix() async throws {
        let pin = server.target.hostKeyFingerprint
        let bare = String(pin.dropFirst("SHA256:".count))
        for variant in [bare, pin + "="] {
            var target = server.target
            target.hostKeyFingerprint = variant
            try await server.withPool { pool in
                let result = try await pool.exec(on: target, credentials: server.ed25519, command: "echo ok")
                #expect(result.stdout.text == "ok\n")
            }
        }
    }

    @Test func malformedPinIsRejected() async throws {
        var target = server.target
        target.hostKeyFingerprint = "MD5:aa:bb"
        try await server.withPool { pool in
            let error = await #expect(throws: SSHError.self) {
                try await pool.exec(on: target, credentials: server.ed25519, command: "true")
            }
            #expect(error?.code == .invalidHostKeyFingerprint)
        }
    }
}
