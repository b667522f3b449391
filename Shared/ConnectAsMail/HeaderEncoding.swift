import Foundation

/// How header values are written: RFC 2047 encoded words for anything that is not plain ASCII, quoted strings for
/// display names with specials, and the RFC 5322 date format.
enum HeaderEncoding {
    /// `text` as it may appear in an unstructured header (Subject) after `Name: ` of `prefixLength` characters: as
    /// is when it is short printable ASCII, otherwise as UTF-8 "B" encoded words folded onto continuation lines, so
    /// that no line exceeds 76 characters.
    static func unstructured(_ text: String, prefixLength: Int) -> String {
        let plain = text.unicodeScalars.allSatisfy { $0 == " " || (0x21...0x7E).contains($0.value) }
        // Raw text that starts like an encoded word would be decoded by readers; encode it to keep it literal.
        if plain && prefixLength + text.utf8.count <= 76 && !text.contains("=?") { return text }
        return encodedWords(text, firstLineUsed: prefixLength).joined(separator: "\r\n ")
    }

    /// Splits `text` into encoded words without cutting a character in two. A continuation line holds a space and a
    /// word of at most 75 characters: `=?UTF-8?B?`, `?=` and 60 base64 characters, which carry 45 bytes; the first
    /// word shares its line with what comes before it and carries less.
    static func encodedWords(_ text: String, firstLineUsed: Int = 1) -> [String] {
        func capacity(_ used: Int) -> Int { max(3, (76 - used - 12) / 4 * 3) }
        var words: [String] = []
        var chunk: [UInt8] = []
        var limit = capacity(firstLineUsed)
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > limit, !chunk.isEmpty {
                words.append(word(chunk))
                chunk = []
                limit = capacity(1)
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append(word(chunk)) }
        return words
    }

    private static func word(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?\(Data(bytes).base64EncodedString())?="
    }

    /// `Name <local@domain>`, or just `local@domain` without a name.
    static func mailbox(_ address: MailAddress) -> String {
        guard let name = address.displayName else { return address.address }
        return "\(phrase(name)) <\(address.address)>"
    }

    /// A display name: an atom sequence as is, a quoted string when it has specials, encoded words when it is not
    /// ASCII.
    static func phrase(_ name: String) -> String {
        let scalars = name.unicodeScalars
        let atext = "!#$%&'*+-/=?^_`{|}~ ".unicodeScalars
        let isAtoms = scalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil || atext.contains($0))
        }
        if isAtoms, !name.contains("=?"), name.first != " ", name.last != " " {
            return name
        }
        if scalars.allSatisfy({ (0x20...0x7E).contains($0.value) }), !name.contains("=?") {
            let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(escaped)\""
        }
        return encodedWords(name, firstLineUsed: 4).joined(separator: "\r\n ")
    }

    /// RFC 5322 `date-time` in UTC: `Tue, 04 Mar 2025 10:15:30 +0000`.
    static func date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.weekday, .day, .month, .year, .hour, .minute, .second], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return "\(days[(parts.weekday ?? 1) - 1]), \(two(parts.day)) \(months[(parts.month ?? 1) - 1]) "
            + "\(parts.year ?? 1970) \(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) +0000"
    }
}
