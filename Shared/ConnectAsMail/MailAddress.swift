/// An e-mail address (`local@domain`, ASCII) with an optional display name, checked when it is made so that no
/// header or SMTP command can be smuggled in through it.
///
/// Non-ASCII addresses (SMTPUTF8, internationalised domains) are refused rather than half supported; display names
/// may be any text and are encoded as RFC 2047 words when they need to be.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    public let address: String
    public let displayName: String?

    public init(_ address: String, displayName: String? = nil) throws(MailError) {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, parts[0].count <= 64, address.count <= 254,
            address.unicodeScalars.allSatisfy(Self.isAllowed), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".")
        else {
            throw .invalidMessage(
                "\"\(address)\" is not an e-mail address this client can send to (local@domain, ASCII)")
        }
        if let displayName, displayName.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw .invalidMessage("the display name of \(address) contains control characters")
        }
        self.address = address
        self.displayName = displayName.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The domain part, e.g. for Message-IDs.
    public var domain: String { String(address[address.index(after: address.firstIndex(of: "@")!)...]) }

    public var description: String { HeaderEncoding.mailbox(self) }

    // atext of RFC 5322 plus the dot, and the @ that separates the parts; no spaces, quotes, angle brackets or
    // anything else that would need quoting in a header or break an SMTP command.
    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        guard scalar.isASCII else { return false }
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9": return true
        default: return "!#$%&'*+-/=?^_`{|}~.@".unicodeScalars.contains(scalar)
        }
    }
}
