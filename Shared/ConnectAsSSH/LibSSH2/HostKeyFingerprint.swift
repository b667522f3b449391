import Foundation

/// SHA-256 host-key fingerprints in OpenSSH's notation, `SHA256:` followed by unpadded base64.
enum HostKeyFingerprint {
    static func format(_ digest: [UInt8]) -> String {
        var base64 = Data(digest).base64EncodedString()
        while base64.hasSuffix("=") { base64.removeLast() }
        return "SHA256:" + base64
    }

    /// The 32 digest bytes of a pinned fingerprint, accepting it with or without the `SHA256:` prefix and padding.
    static func parse(_ pin: String) -> [UInt8]? {
        var text = pin.trimmingCharacters(in: .whitespaces)
        if text.lowercased().hasPrefix("sha256:") { text.removeFirst("sha256:".count) }
        while text.hasSuffix("=") { text.removeLast() }
        text += String(repeating: "=", count: (4 - text.count % 4) % 4)
        guard let data = Data(base64Encoded: text), data.count == 32 else { return nil }
        return Array(data)
    }

    /// Compares in time independent of where the digests differ, so timing reveals nothing about the pin.
    static func matches(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
