import Configuration
import ConnectAsOdoo
import ConnectAsSchema
import ConnectAsService
import Crypto
import Foundation
import HTTPTypes
import Testing

@testable import SessionInjector

/// The injector's pieces that need no server: tokens, sealing, link templates, settings, failure mapping.
@Suite struct InjectorUnitTests {
    @Test func tokensAreRandomBase64URLAndStoredOnlyAsTheirHash() {
        let tokens = (0..<50).map { _ in LinkToken.generate() }
        #expect(Set(tokens.map(\.text)).count == 50)
        for token in tokens {
            #expect(token.text.count == 43)
            #expect(LinkToken.isWellFormed(token.text))
            #expect(token.hash == Data(SHA256.hash(data: Data(token.text.utf8))))
            #expect(!"\(token)".contains(token.text))
        }
        for bad in [
            "", "short", String(repeating: "a", count: 44), String(repeating: "+", count: 43),
            String(repeating: "a", count: 42) + "/", String(repeating: "é", count: 43),
        ] {
            #expect(!LinkToken.isWellFormed(bad))
        }
    }

    @Test func sealedSessionIdsOpenOnlyForTheirSessionAndKey() throws {
        let sealer = SessionSealer(key: SymmetricKey(size: .bits256))
        let sid = OdooSessionID(rawValue: "0123456789abcdef0123456789abcdef01234567")
        let sealed = try sealer.seal(sid, sessionId: "ses-1")
        #expect(!String(decoding: sealed, as: UTF8.self).contains("0123456789abcdef"))
        #expect(try sealer.open(sealed, sessionId: "ses-1", keyID: sealer.keyID) == sid)
        #expect(throws: (any Error).self) { try sealer.open(sealed, sessionId: "ses-2", keyID: nil) }
        let other = SessionSealer(key: SymmetricKey(size: .bits256))
        #expect(throws: (any Error).self) { try other.open(sealed, sessionId: "ses-1", keyID: nil) }
        #expect(throws: (any Error).self) { try other.open(sealed, sessionId: "ses-1", keyID: sealer.keyID) }
        // Each seal uses a fresh nonce.
        #expect(try sealer.seal(sid, sessionId: "ses-1") != sealed)
    }

    func templates(base: String = "https://{domain}", redirect: String = "/web") throws -> LinkTemplates {
        try LinkTemplates(
            configuration: InjectorConfiguration(
                secretKeyFile: "/k", sshKeyFile: "/s", linkBaseURL: base, redirectURL: redirect))
    }

    @Test func linksAreOnTheEnvironmentsDomain() throws {
        let token = LinkToken.generate()
        let links = try templates()
        #expect(links.secure)
        #expect(
            links.link(domain: "acme.odoo.example", token: token)?.absoluteString
                == "https://acme.odoo.example/connectas/redeem/\(token.text)")
        #expect(links.redirect(domain: "acme.odoo.example") == "/web")
        let local = try templates(base: "http://{domain}/", redirect: "http://{domain}/web")
        #expect(!local.secure)
        #expect(local.link(domain: "127.0.0.1:8082", token: token)?.host == "127.0.0.1")
        #expect(local.redirect(domain: "127.0.0.1:8082") == "http://127.0.0.1:8082/web")
        for hostile in ["evil.example/x?", "a b", "evil.example#", "user@evil.example", "", "..", "a..b", "-x"] {
            #expect(links.link(domain: hostile, token: token) == nil, "\(hostile)")
        }
    }

    @Test(arguments: ["ftp://{domain}", "{domain}", "https://{domain}/?x=1", "not a url"])
    func badLinkBaseIsAConfigurationError(_ base: String) {
        #expect(throws: ConfigurationError.self) { try templates(base: base) }
    }

    @Test(arguments: ["web", "//evil.example/web", "javascript:alert(1)", "/web here"])
    func badRedirectIsAConfigurationError(_ redirect: String) {
        #expect(throws: ConfigurationError.self) { try templates(redirect: redirect) }
    }

    @Test func settingsAreReadWithDefaultsAndChecked() throws {
        func read(_ environment: [String: String]) throws -> InjectorConfiguration {
            try InjectorConfiguration(
                reader: ConfigReader(provider: EnvironmentVariablesProvider(environmentVariables: environment)))
        }
        let keys = ["CONNECTAS_INJECTOR_SECRET_KEY_FILE": "/k", "CONNECTAS_INJECTOR_SSH_KEY_FILE": "/s"]
        let defaults = try read(keys)
        #expect(defaults.linkBaseURL == "https://{domain}")
        #expect(defaults.redirectURL == "/web")
        #expect(defaults.linkLifetime == .seconds(300))
        #expect(defaults.sshAttempts == 3)
        #expect(defaults.trustedProxies.contains("127.0.0.1") && defaults.trustedProxies.contains("10.1.2.3"))
        #expect(!defaults.trustedProxies.contains("203.0.113.5"))
        let direct = try read(keys.merging(["CONNECTAS_INJECTOR_TRUSTED_PROXIES": ""]) { $1 })
        #expect(direct.trustedProxies.networks.isEmpty)
        let set = try read(keys.merging(["CONNECTAS_INJECTOR_LINK_TTL_SECONDS": "2"]) { $1 })
        #expect(set.linkLifetime == .seconds(2))
        #expect {
            try read(["CONNECTAS_INJECTOR_SSH_KEY_FILE": "/s"])
        } throws: { ($0 as? ConfigurationError)?.environmentVariable == "CONNECTAS_INJECTOR_SECRET_KEY_FILE" }
        #expect {
            try read(keys.merging(["CONNECTAS_INJECTOR_LINK_TTL_SECONDS": "0"]) { $1 })
        } throws: { ($0 as? ConfigurationError)?.environmentVariable == "CONNECTAS_INJECTOR_LINK_TTL_SECONDS" }
        // One unreachable server must not outlast the poll interval: 5 attempts of 120 s would wait 10+ minutes.
        #expect(defaults.remoteBudget <= InjectorConfiguration.maxRemoteBudget)
        #expect {
            try read(
                keys.merging(["CONNECTAS_INJECTOR_ODOO_TIMEOUT_SECONDS": "120", "CONNECTAS_INJECTOR_SSH_ATTEMPTS": "5"]) {
                    $1
                })
        } throws: { ($0 as? ConfigurationError)?.environmentVariable == "CONNECTAS_INJECTOR_ODOO_TIMEOUT_SECONDS" }
    }

    @Test func keyFilesAreCheckedWithoutEchoingThem() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("injector-keys-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let ssh = directory.appendingPathComponent("id_ed25519")
        try Data("key".utf8).write(to: ssh)
        let short = directory.appendingPathComponent("short")
        try Data("c2VjcmV0LXNob3J0LWtleQ==\n".utf8).write(to: short)
        let good = directory.appendingPathComponent("good")
        try Data((Data(repeating: 7, count: 32).base64EncodedString() + "\n").utf8).write(to: good)

        func store(_ secret: URL, _ sshKey: URL) throws -> KeyStore {
            try KeyStore(configuration: InjectorConfiguration(secretKeyFile: secret.path, sshKeyFile: sshKey.path))
        }
        _ = try store(good, ssh)
        #expect {
            try store(short, ssh)
        } throws: { error in
            "\(error)".contains("32 bytes") && !"\(error)".contains("c2VjcmV0")
        }
        #expect(throws: ConfigurationError.self) { try store(directory.appendingPathComponent("missing"), ssh) }
        #expect(throws: ConfigurationError.self) { try store(good, directory.appendingPathComponent("missing")) }
        #expect(throws: ConfigurationError.self) { try store(good, directory) }
    }

    @Test func forwardedForIsBelievedOnlyFromATrustedProxy() throws {
        let proxies = try #require(TrustedProxies("10.0.0.0/8, 192.0.2.7, fd00::/8"))
        // A browser that reaches the injector directly is its own peer, whatever header it writes.
        #expect(proxies.browserAddress(forwardedFor: ["203.0.113.5"], peer: "198.51.100.9") == "198.51.100.9")
        // Behind a trusted proxy: the rightmost hop that is not a trusted proxy; earlier hops are the client's.
        #expect(proxies.browserAddress(forwardedFor: ["1.2.3.4, 203.0.113.5"], peer: "10.1.2.3") == "203.0.113.5")
        #expect(
            proxies.browserAddress(forwardedFor: ["1.2.3.4, 203.0.113.5", "10.9.9.9"], peer: "192.0.2.7")
                == "203.0.113.5")
        #expect(proxies.browserAddress(forwardedFor: ["2001:db8::1"], peer: "fd00::2") == "2001:db8::1")
        #expect(proxies.browserAddress(forwardedFor: [], peer: "10.1.2.3") == "10.1.2.3")
        // Only trusted hops: the leftmost is as close to the browser as anyone can tell.
        #expect(proxies.browserAddress(forwardedFor: ["10.0.0.1, 10.0.0.2"], peer: "10.1.2.3") == "10.0.0.1")
        #expect(proxies.browserAddress(forwardedFor: ["203.0.113.5, <script>"], peer: "10.1.2.3") == "unknown")
        // A dual-stack socket reports IPv4 peers as IPv4-mapped IPv6.
        #expect(proxies.browserAddress(forwardedFor: ["203.0.113.5"], peer: "::ffff:10.0.0.1") == "203.0.113.5")
        #expect(proxies.browserAddress(forwardedFor: ["203.0.113.5"], peer: "::ffff:198.51.100.9") == "198.51.100.9")
        #expect(proxies.browserAddress(forwardedFor: ["203.0.113.5"], peer: nil) == "unknown")
        let none = try #require(TrustedProxies(""))
        #expect(none.browserAddress(forwardedFor: ["203.0.113.5"], peer: "127.0.0.1") == "127.0.0.1")
    }

    @Test(arguments: ["10.0.0.0/33", "fd00::/129", "10.0.0.0/", "example.com", "10.0.0.0/8/8", "10.0.0.0/-1"])
    func badProxyListsAreRefused(_ list: String) {
        #expect(TrustedProxies(list) == nil)
        let environment = [
            "CONNECTAS_INJECTOR_SECRET_KEY_FILE": "/k", "CONNECTAS_INJECTOR_SSH_KEY_FILE": "/s",
            "CONNECTAS_INJECTOR_TRUSTED_PROXIES": list,
        ]
        #expect {
            try InjectorConfiguration(
                reader: ConfigReader(provider: EnvironmentVariablesProvider(environmentVariables: environment)))
        } throws: { ($0 as? ConfigurationError)?.environmentVariable == "CONNECTAS_INJECTOR_TRUSTED_PROXIES" }
    }

    @Test func prefixesMatchBitByBit() throws {
        let proxies = try #require(TrustedProxies("172.16.0.0/12, 0.0.0.0/0"))
        #expect(proxies.contains("172.31.255.255"))
        #expect(proxies.contains("8.8.8.8"))
        #expect(!proxies.contains("2001:db8::1"))
        let narrow = try #require(TrustedProxies("172.16.0.0/12"))
        #expect(narrow.contains("172.16.0.1") && narrow.contains("172.31.0.1"))
        #expect(!narrow.contains("172.32.0.1") && !narrow.contains("172.15.255.255"))
    }

    @Test func userAgentsAreCleanedAndCut() {
        var headers = HTTPFields()
        headers[.userAgent] = "Agent/1.0\u{7} " + String(repeating: "x", count: 600)
        #expect(Injector.userAgent(headers).count == 512)
        #expect(Injector.userAgent(headers).hasPrefix("Agent/1.0 "))
    }

    @Test func odooRefusalsMapToDenialsAndFailures() {
        func refusal(_ code: String) -> OdooShellError {
            OdooShellError(.init(rawValue: code), "m", isRefusal: true)
        }
        #expect(refusal("user_not_found").denialCode == .targetNotFound)
        #expect(refusal("user_is_superuser").denialCode == .targetNotFound)
        #expect(refusal("user_is_share").denialCode == .targetNotFound)
        #expect(refusal("user_inactive").denialCode == .targetInactive)
        #expect(refusal("administrator_protected").denialCode == .targetProtectedAdministrator)
        #expect(refusal("own_account").denialCode == .targetIsSelf)
        #expect(refusal("session_gone").denialCode == nil)

        #expect(
            OdooShellError(.hostKeyMismatch, "m").failure(during: .sessionCreate) == (.sshHostKey, .hostKeyMismatch))
        #expect(OdooShellError(.timeout, "m").failure(during: .sessionCreate) == (.odooShell, .timeout))
        #expect(
            OdooShellError(.shellFailed, "stderr: database \"x\" does not exist").failure(during: .sessionCreate)
                == (.odooShell, .databaseNotFound))
        #expect(refusal("internal").failure(during: .sessionDelete) == (.sessionDelete, .odooShellFailed))
        #expect(
            refusal("unsupported_version").failure(during: .sessionCreate) == (.odooShell, .odooVersionUnsupported))
    }
}
