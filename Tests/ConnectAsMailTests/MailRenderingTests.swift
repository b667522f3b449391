import CCurl
import Foundation
import Testing

@testable import ConnectAsMail

@Suite struct MailRenderingTests {
    let sender = try! MailAddress("noreply@connectas.test", displayName: "Connect As")

    func render(_ message: MailMessage) throws -> String {
        let date = Date(timeIntervalSince1970: 1_740_823_530)
        return String(decoding: try message.rendered(from: sender, date: date), as: UTF8.self)
    }

    @Test func everyLineEndsInCRLFAndStaysShort() throws {
        let longLine = String(repeating: "Acción número ", count: 40)
        let message = MailMessage(
            to: [try MailAddress("ana@example.com", displayName: "Ana Pérez")],
            subject: "Aviso de seguridad: el personal de soporte ha accedido a su cuenta de Odoo (sesión de prueba)",
            textBody: "Hola, Ana:\n\n\(longLine)\nfin ", htmlBody: "<p>Hola, <b>Ana</b></p>",
            messageID: "n-1@connectas.test")
        let text = try render(message)
        let bytes = Array(text.utf8)
        for (index, byte) in bytes.enumerated() where byte == 0x0A {
            #expect(index > 0 && bytes[index - 1] == 0x0D, "a bare LF at byte \(index)")
        }
        for line in text.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 78, "line too long: \(line)")
            #expect(line.unicodeScalars.allSatisfy { $0.isASCII }, "8-bit line: \(line)")
        }
        #expect(text.contains("Message-ID: <n-1@connectas.test>\r\n"))
        #expect(text.contains("Date: Sat, 01 Mar 2025 10:05:30 +0000\r\n"))
        #expect(
            text.contains("From: \"Connect As\" <noreply@connectas.test>\r\n") || text.contains("From: Connect As <"))
        #expect(text.contains("To: =?UTF-8?B?"))
        #expect(text.contains("MIME-Version: 1.0\r\n"))
        #expect(text.contains("Content-Type: multipart/alternative;\r\n boundary=\"=_connectas_"))
        // A trailing space is protected, or a server would strip it.
        #expect(text.contains("fin=20\r\n"))
    }

    @Test func asciiSubjectsStayReadableAndNonAsciiOnesAreEncodedWords() throws {
        #expect(HeaderEncoding.unstructured("Support staff signed in", prefixLength: 9) == "Support staff signed in")
        let words = HeaderEncoding.encodedWords(String(repeating: "ñ", count: 40))
        #expect(words.count == 2)
        for word in words {
            #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
            #expect(word.count <= 75)
            let payload = word.dropFirst(10).dropLast(2)
            // No character is cut in two: each word decodes on its own.
            #expect(String(data: Data(base64Encoded: String(payload))!, encoding: .utf8) != nil)
        }
    }

    @Test func quotedPrintableRoundTripsThroughSoftBreaks() {
        let text = "Café con leche, " + String(repeating: "x", count: 100) + "\r\n= igual\tfin\t"
        let encoded = QuotedPrintable.encode(text)
        #expect(encoded.contains("Caf=C3=A9"))
        #expect(encoded.contains("=3D igual\tfin=09"))
        // Undo the soft breaks and escapes by hand.
        let utf8 = Array(encoded.replacingOccurrences(of: "=\r\n", with: "").utf8)
        var bytes: [UInt8] = []
        var position = 0
        while position < utf8.count {
            if utf8[position] == UInt8(ascii: "="),
                let value = UInt8(String(decoding: utf8[position + 1...position + 2], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                position += 3
            } else {
                bytes.append(utf8[position])
                position += 1
            }
        }
        #expect(String(decoding: bytes, as: UTF8.self) == text)
    }

    /// The notifier's ids are longer than an address's 64-character local part, which RFC 5322 allows.
    @Test func aLongMessageIDIsKept() throws {
        let id = "connectas.e858dcfb-73d7-4a2e-9337-dcf3e0b07fb7=3Asession_redeemed=3Aemail@platform.example"
        let rendered = try MailMessage(
            to: [try MailAddress("ana@example.com")], subject: "hi", textBody: "x", messageID: id
        ).rendered(from: sender)
        #expect(String(decoding: rendered, as: UTF8.self).contains("Message-ID: <\(id)>"))
        #expect(throws: MailError.self) {
            try MailMessage(to: [try MailAddress("ana@example.com")], subject: "hi", textBody: "", messageID: "a@b@c")
                .rendered(from: sender)
        }
    }

    @Test func headerInjectionIsRefused() throws {
        let to = [try MailAddress("ana@example.com")]
        #expect(throws: MailError.self) {
            try MailMessage(to: to, subject: "hi\r\nBcc: eve@example.com", textBody: "").rendered(from: sender)
        }
        #expect(throws: MailError.self) {
            try MailMessage(to: to, subject: "hi", textBody: "", messageID: "a b@c").rendered(from: sender)
        }
        #expect(throws: MailError.self) {
            try MailMessage(to: to, subject: "hi", textBody: "", additionalHeaders: [("Bcc", "eve@example.com")])
                .rendered(from: sender)
        }
        #expect(throws: MailError.self) { try MailAddress("ana@example.com>\r\nRCPT TO:<eve@example.com") }
        #expect(throws: MailError.self) { try MailAddress("no-at-sign") }
        #expect(throws: MailError.self) { try MailAddress("josé@example.com") }
        #expect(throws: MailError.self) { try MailMessage(to: [], subject: "", textBody: "").rendered(from: sender) }
    }

    @Test func displayNamesAreQuotedOrEncodedAsNeeded() throws {
        #expect(HeaderEncoding.mailbox(try MailAddress("a@b.c", displayName: "Ana")) == "Ana <a@b.c>")
        #expect(HeaderEncoding.mailbox(try MailAddress("a@b.c", displayName: "Pérez, Ana")).hasPrefix("=?UTF-8?B?"))
        #expect(
            HeaderEncoding.mailbox(try MailAddress("a@b.c", displayName: "Doe, \"J\"")) == "\"Doe, \\\"J\\\"\" <a@b.c>")
    }

    @Test func repliesAndCurlCodesDecideWhetherToRetry() {
        let refused = MailError(curlCode: CURLE_COULDNT_CONNECT, detail: "", replyCode: nil)
        #expect(refused.code == .connectionFailed && refused.isRetriable)
        let timedOut = MailError(curlCode: CURLE_OPERATION_TIMEDOUT, detail: "", replyCode: 220)
        #expect(timedOut.code == .timeout && timedOut.isRetriable)
        let busy = MailError(curlCode: CURLE_SEND_ERROR, detail: "RCPT failed: 450", replyCode: 450)
        #expect(busy.code == .rejected && busy.isRetriable)
        let unknownUser = MailError(curlCode: CURLE_SEND_ERROR, detail: "RCPT failed: 550", replyCode: 550)
        #expect(unknownUser.code == .rejected && !unknownUser.isRetriable)
        #expect(unknownUser.curlCode == Int(CURLE_SEND_ERROR.rawValue) && unknownUser.smtpReplyCode == 550)
        let dropped = MailError(curlCode: CURLE_RECV_ERROR, detail: "", replyCode: 250)
        #expect(dropped.code == .connectionLost && dropped.isRetriable)
        let badLogin = MailError(curlCode: CURLE_LOGIN_DENIED, detail: "", replyCode: 535)
        #expect(badLogin.code == .authenticationFailed && !badLogin.isRetriable)
        let noStartTLS = MailError(curlCode: CURLE_USE_SSL_FAILED, detail: "", replyCode: 250)
        #expect(noStartTLS.code == .tlsFailed && !noStartTLS.isRetriable)
    }
}
