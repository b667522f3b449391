import Crypto
import Foundation

/// The one-time link's secret: 32 random bytes, base64url without padding (43 characters). Only its SHA-256 is
/// stored; the token itself exists in this process's memory and in the reply to the platform, nowhere else.
struct LinkToken: Sendable, CustomStringConvertible {
    let text: String

    static let length = 43

    static func generate() -> LinkToken {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        let text = bytes.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return LinkToken(text: text)
    }

    var hash: Data { Self.hash(text) }

    static func hash(_ text: String) -> Data { Data(SHA256.hash(data: Data(text.utf8))) }

    /// Tokens this service could have issued; anything else is refused without a database query.
    static func isWellFormed(_ text: String) -> Bool {
        text.utf8.count == length
            && text.utf8.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || byte == 0x2D || byte == 0x5F
            }
    }

    var description: String { "<link token>" }
}
