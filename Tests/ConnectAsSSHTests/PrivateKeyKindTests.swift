import Foundation
import TestSupport
import Testing

@testable import ConnectAsSSH

@Suite("Private key kinds (for error messages)")
struct PrivateKeyKindTests {
    @Test(arguments: [
        ("CONNECTAS_SSH_KEY_ED25519", PrivateKeyKind.ed25519), ("CONNECTAS_SSH_KEY_ECDSA", .ecdsa),
        ("CONNECTAS_SSH_KEY_RSA", .rsa),
    ])
    func recognisesOpenSSHKeyFiles(variable: String, kind: PrivateKeyKind) throws {
        let path = try StackEnvironment.require(variable)
        let bytes = try #require(FileManager.default.contents(atPath: path))
        #expect(PrivateKeyKind.detect(Array(bytes)) == kind)
    }

    @Test func recognisesPEMHeadersAndRejectsNoise() {
        #expect(PrivateKeyKind.detect(Array("-----BEGIN RSA PRIVATE KEY-----\nAAAA".utf8)) == .rsa)
        #expect(PrivateKeyKind.detect(Array("-----BEGIN EC PRIVATE KEY-----\nAAAA".utf8)) == .ecdsa)
        #expect(PrivateKeyKind.detect(Array("not a key".utf8)) == .unknown)
        #expect(
            PrivateKeyKind.detect(
                Array("-----BEGIN OPENSSH PRIVATE KEY-----\n!!\n-----END OPENSSH PRIVATE KEY-----".utf8))
                == .unknown)
    }
}
