/// Quoted-printable (RFC 2045 section 6.7) for text bodies: readable where the text is ASCII, safe for 7-bit
/// transports everywhere else, and with lines short enough for any SMTP server.
enum QuotedPrintable {
    /// Encodes `text`, turning every line ending (LF, CR or CRLF) into CRLF.
    static func encode(_ text: String) -> String {
        var output = ""
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        let lines = normalized.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            if index > 0 { output += "\r\n" }
            output += encodeLine(Array(line.utf8))
        }
        return output
    }

    /// One line, with soft line breaks (`=` at the end) so that no encoded line exceeds 76 characters.
    private static func encodeLine(_ bytes: [UInt8]) -> String {
        var output = ""
        var lineLength = 0
        for (index, byte) in bytes.enumerated() {
            let isLast = index == bytes.count - 1
            let token: String
            switch byte {
            // Spaces and tabs survive only inside a line: servers strip them at its end.
            case 0x20, 0x09: token = isLast ? hex(byte) : String(UnicodeScalar(byte))
            // A dot at a line's start is left to curl's dot-stuffing; "=" is the escape character itself.
            case 0x21...0x7E where byte != UInt8(ascii: "="): token = String(UnicodeScalar(byte))
            default: token = hex(byte)
            }
            // Leave room for the soft break's "=", unless this is the line's last token.
            let limit = isLast ? 76 : 75
            if lineLength + token.count > limit {
                output += "=\r\n"
                lineLength = 0
            }
            output += token
            lineLength += token.count
        }
        return output
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "=" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
    }
}
