import CLibSSH2
import ConnectAsSSH
import Foundation
import Testing

@Suite("Public-key authentication")
struct AuthenticationTests {
    let server: SSHTestServer

    init() throws { server = try SSHTestServer() }

    @Test func ed25519Key() async throws {
        try await expectLogin(with: server.ed25519)
    }

    @Test func ecdsaKey() async throws {
        try await expectLogin(with: server.ecdsa)
    }

    @Test func ed25519KeyFromMemory() async throws {
        let path = try #require(ProcessInfo.processInfo.environment["CONNECTAS_SSH_KEY_ED25519"])
        let pem = try String(contentsOfFile: path, encoding: .utf8)
        try await expectLogin(with: .privateKey(pem: pem))
    }

    /// OpenSSH 9.2 accepts RSA keys only with rsa-sha2-256/512 signatures, which libssh2 signs from 1.11 on
    /// (scripts/setup installs 1.11 where the system's is older).
    @Test func rsaKeyWithSHA2Signatures() async throws {
        #expect(libssh2_version(0x010B00) != nil, "libssh2 is older than 1.11: run scripts/setup")
        try await expectLogin(with: server.rsa)
    }

    @Test func unknownKeyIsRefused() async throws {
        try await server.withPool { pool in
            let error = await #expect(throws: SSHError.self) {
                try await pool.exec(on: server.target, credentials: server.unknown, command: "true")
            }
            #expect(error?.code == .authenticationFailed)
            #expect(error?.isRetriable == false)
            #expect(error?.message.contains("ssh-rsa") == false)
            #expect(pool.connectionsEstablished == 0)
        }
    }

    @Test func unreadableKeyFileIsReported() async throws {
        try await server.withPool { pool in
            let error = await #expect(throws: SSHError.self) {
                try await pool.exec(
                    on: server.target, credentials: .privateKeyFile("/nonexistent/id_ed25519"), command: "true")
            }
            #expect(error?.code == .privateKeyUnusable)
        }
    }

    @Test func credentialsNeverPrintTheirKey() throws {
        let credentials = SSHCredentials.privateKey(
            pem: "-----BEGIN OPENSSH PRIVATE KEY-----\nsecret", passphrase: "pw")
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in [credentials.description, String(describing: credentials), String(reflecting: credentials), dumped]
        {
            #expect(!text.contains("secret"))
            #expect(!text.contains("pw\""))
        }
    }

    private func expectLogin(with credentials: SSHCredentials) async throws {
        try await server.withPool { pool in
            let result = try await pool.exec(on: server.target, credentials: credentials, command: "id -un")
            #expect(result.stdout.text == server.target.user + "\n")
        }
    }
}
