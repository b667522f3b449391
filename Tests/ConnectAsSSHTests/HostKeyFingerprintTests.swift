import Foundation
import Testing

@testable import ConnectAsSSH

@Suite("Host-key fingerprints (no server)")
struct HostKeyFingerprintTests {
    let digest = (0..<32).map { UInt8($0 * 7 % 256) }

    @Test func formatsLikeSSHKeygen() {
        let text = HostKeyFingerprint.format(digest)
        #expect(text.hasPrefix("SHA256:"))
        #expect(!text.hasSuffix("="))
        #expect(text.count == 7 + 43)
    }

    @Test func parsesEveryAcceptedSpelling() {
        let text = HostKeyFingerprint.format(digest)
        for spelling in [text, String(text.dropFirst(7)), text + "=", "sha256:" + text.dropFirst(7), " \(text) "] {
            #expect(HostKeyFingerprint.parse(spelling) == digest, "\(spelling)")
        }
        #expect(HostKeyFingerprint.parse("SHA256:tooShort") == nil)
        #expect(HostKeyFingerprint.parse("MD5:00:11") == nil)
    }

    @Test func comparesWholeDigests() {
        var other = digest
        other[31] ^= 1
        #expect(HostKeyFingerprint.matches(digest, digest))
        #expect(!HostKeyFingerprint.matches(digest, other))
        #expect(!HostKeyFingerprint.matches(digest, Array(digest.prefix(31))))
    }
}
