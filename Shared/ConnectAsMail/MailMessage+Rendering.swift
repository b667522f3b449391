import Foundation

extension MailMessage {
    /// The message as it goes after SMTP's DATA: RFC 5322 headers, MIME body parts in UTF-8 quoted-printable, CRLF
    /// line endings throughout. Dot-stuffing is left to curl.
    ///
    /// Throws ``MailError/Code/invalidMessage`` for what would corrupt the message: no recipient, a line break in a
    /// header, a malformed Message-ID or header name.
    public func rendered(from sender: MailAddress, date now: Date = Date(), boundary: String? = nil)
        throws(MailError) -> [UInt8]
    {
        guard !to.isEmpty else { throw .invalidMessage("the message has no recipient") }
        let id = messageID ?? "\(UUID().uuidString.lowercased())@\(sender.domain)"
        try Self.checkMessageID(id)
        try Self.checkNoLineBreaks(subject, what: "the subject")

        var headers: [(String, String)] = [
            ("Date", HeaderEncoding.date(date ?? now)),
            ("From", HeaderEncoding.mailbox(sender)),
            ("To", to.map(HeaderEncoding.mailbox).joined(separator: ",\r\n ")),
            ("Subject", HeaderEncoding.unstructured(subject, prefixLength: "Subject: ".count)),
            ("Message-ID", "<\(id)>"),
        ]
        for (name, value) in additionalHeaders {
            try Self.checkHeaderName(name)
            try Self.checkNoLineBreaks(value, what: "header \(name)")
            headers.append((name, HeaderEncoding.unstructured(value, prefixLength: name.count + 2)))
        }
        headers.append(("MIME-Version", "1.0"))

        var text = ""
        if let htmlBody {
            // "=_" cannot occur in quoted-printable text, so no body line can be mistaken for the boundary.
            let boundary = boundary ?? "=_connectas_" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
            headers.append(("Content-Type", "multipart/alternative;\r\n boundary=\"\(boundary)\""))
            text = Self.headerBlock(headers) + "\r\n"
            // The CRLF before each boundary line belongs to the boundary, not to the part's text.
            text += "--\(boundary)\r\n" + Self.part("text/plain", textBody) + "\r\n"
            text += "--\(boundary)\r\n" + Self.part("text/html", htmlBody) + "\r\n"
            text += "--\(boundary)--\r\n"
        } else {
            text = Self.headerBlock(headers) + Self.part("text/plain", textBody)
            // SMTP needs the data to end with a line break; add one only if the text has none of its own.
            if !text.hasSuffix("\r\n") { text += "\r\n" }
        }
        return Array(text.utf8)
    }

    private static func headerBlock(_ headers: [(String, String)]) -> String {
        headers.map { "\($0.0): \($0.1)\r\n" }.joined()
    }

    private static func part(_ type: String, _ body: String) -> String {
        "Content-Type: \(type); charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            + QuotedPrintable.encode(body)
    }

    static func checkMessageID(_ id: String) throws(MailError) {
        // id-left "@" id-right (RFC 5322 3.6.4), both dot-atom text: the characters an address may have, nothing
        // that ends the angle brackets or the header. Unlike an address's local part, id-left has no 64-character
        // limit; the whole stays well inside a header line.
        let parts = id.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, id.count <= 250, id.unicodeScalars.allSatisfy(MailAddress.isAllowed),
            parts.allSatisfy({ !$0.isEmpty && !$0.hasPrefix(".") && !$0.hasSuffix(".") && !$0.contains("..") })
        else {
            throw .invalidMessage("\"\(id)\" is not a Message-ID (id@domain, ASCII, no spaces or brackets)")
        }
    }

    private static func checkNoLineBreaks(_ value: String, what: String) throws(MailError) {
        if value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
            throw .invalidMessage("\(what) contains a line break")
        }
    }

    private static func checkHeaderName(_ name: String) throws(MailError) {
        let valid = !name.isEmpty && name.unicodeScalars.allSatisfy { (0x21...0x7E).contains($0.value) && $0 != ":" }
        let reserved = [
            "date", "from", "to", "subject", "message-id", "mime-version", "content-type",
            "content-transfer-encoding", "cc", "bcc",
        ]
        guard valid, !reserved.contains(name.lowercased()) else {
            throw .invalidMessage("\"\(name)\" cannot be added as a header")
        }
    }
}
