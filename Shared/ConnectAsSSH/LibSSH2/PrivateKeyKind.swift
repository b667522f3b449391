import Foundation

/// The algorithm of a private key file, read from its header (PEM) or its unencrypted public part (OpenSSH format),
/// only to explain authentication failures; libssh2 does the real parsing.
enum PrivateKeyKind: String {
    case rsa, ecdsa, ed25519, dsa, unknown

    static func detect(_ bytes: [UInt8]) -> PrivateKeyKind {
        let text = String(decoding: bytes.prefix(16_384), as: UTF8.self)
        if text.contains("BEGIN RSA PRIVATE KEY") { return .rsa }
        if text.contains("BEGIN EC PRIVATE KEY") { return .ecdsa }
        if text.contains("BEGIN DSA PRIVATE KEY") { return .dsa }
        guard let begin = text.range(of: "-----BEGIN OPENSSH PRIVATE KEY-----"),
            let end = text.range(of: "-----END OPENSSH PRIVATE KEY-----", range: begin.upperBound..<text.endIndex)
        else { return .unknown }
        let base64 = text[begin.upperBound..<end.lowerBound].filter { !$0.isWhitespace }
        guard let blob = Data(base64Encoded: String(base64)) else { return .unknown }
        return openSSHKeyType(Array(blob)).map(kind(ofKeyType:)) ?? .unknown
    }

    /// The key type string of the first public key in an `openssh-key-v1` blob.
    private static func openSSHKeyType(_ blob: [UInt8]) -> String? {
        let magic = Array("openssh-key-v1\0".utf8)
        guard blob.starts(with: magic) else { return nil }
        var reader = Reader(bytes: blob, offset: magic.count)
        guard reader.string() != nil, reader.string() != nil, reader.string() != nil,  // cipher, kdf, kdf options
            let count = reader.uint32(), count >= 1, let publicKey = reader.string()
        else { return nil }
        var keyReader = Reader(bytes: publicKey, offset: 0)
        return keyReader.string().map { String(decoding: $0, as: UTF8.self) }
    }

    private static func kind(ofKeyType type: String) -> PrivateKeyKind {
        if type == "ssh-rsa" { return .rsa }
        if type == "ssh-ed25519" { return .ed25519 }
        if type.hasPrefix("ecdsa-sha2-") { return .ecdsa }
        if type == "ssh-dss" { return .dsa }
        return .unknown
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset: Int

        mutating func uint32() -> UInt32? {
            guard offset + 4 <= bytes.count else { return nil }
            defer { offset += 4 }
            return bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
        }

        mutating func string() -> [UInt8]? {
            guard let length = uint32().map(Int.init), length <= bytes.count - offset else { return nil }
            defer { offset += length }
            return Array(bytes[offset..<offset + length])
        }
    }
}
