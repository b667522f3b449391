import ConnectAsMail
import Foundation
import Glibc
import Logging
import TestSupport
import Testing

/// Against the local stack's aiosmtpd, which keeps every message it accepts as a file in a Maildir.
@Suite struct SMTPClientTests {
    static let logger = Logger(label: "connectas.mail.tests")

    func client(port: Int? = nil, timeout: Duration = .seconds(20)) throws -> SMTPClient {
        let host = try StackEnvironment.require("CONNECTAS_SMTP_HOST")
        let stackPort = Int(try StackEnvironment.require("CONNECTAS_SMTP_PORT"))!
        return try SMTPClient(
            configuration: SMTPConfiguration(
                host: host, port: port ?? stackPort, tls: .none, connectTimeout: .seconds(2), timeout: timeout,
                from: try MailAddress("noreply@connectas.test", displayName: "Plataforma de alojamiento")),
            logger: Self.logger)
    }

    @Test func aMessageArrivesWithItsHeadersAndASpanishBody() async throws {
        let id = "mail-test-\(UUID().uuidString.lowercased())@connectas.test"
        let body =
            "Hola, José:\n\nEl técnico de soporte accedió a su cuenta a las 10:15 (UTC).\n"
            + "Añadimos más información.\n"
        let message = MailMessage(
            to: [try MailAddress("jose.nunez@cliente.test", displayName: "José Núñez")],
            subject: "Aviso de seguridad: acceso a su cuenta de Odoo — sesión número ñ",
            textBody: body, htmlBody: "<p>Hola, <b>José</b>: acceso a las 10:15.</p>", messageID: id,
            additionalHeaders: [("Auto-Submitted", "auto-generated")])
        try await client().send(message)

        let stored = try await MaildirMessage.wait(for: id)
        try #require(stored.count == 1)
        let mail = stored[0]
        #expect(mail.messageID == "<\(id)>")
        #expect(mail.subject == "Aviso de seguridad: acceso a su cuenta de Odoo — sesión número ñ")
        #expect(mail.from == "Plataforma de alojamiento <noreply@connectas.test>")
        #expect(mail.to == "José Núñez <jose.nunez@cliente.test>")
        #expect(mail.rcptTo == "jose.nunez@cliente.test")
        #expect(mail.autoSubmitted == "auto-generated")
        #expect(!mail.date.isEmpty)
        #expect(mail.contentType == "multipart/alternative")
        #expect(mail.text == body)
        #expect(mail.html?.contains("Hola, <b>José</b>") == true)
    }

    @Test func aPlainTextMessageWithALoneDotLineSurvivesDotStuffing() async throws {
        let id = "mail-test-\(UUID().uuidString.lowercased())@connectas.test"
        let body = "first\n.\n..two\nlast\n"
        try await client().send(
            MailMessage(to: [try MailAddress("dots@cliente.test")], subject: "dots", textBody: body, messageID: id))
        let stored = try await MaildirMessage.wait(for: id)
        try #require(stored.count == 1)
        #expect(stored[0].contentType == "text/plain")
        #expect(stored[0].text == body)
    }

    @Test func nothingListeningFailsQuicklyAndClearly() async throws {
        let port = try Self.unusedPort()
        let started = ContinuousClock.now
        let error = await #expect(throws: MailError.self) {
            try await client(port: port).send(
                MailMessage(to: [try MailAddress("x@cliente.test")], subject: "x", textBody: "x"))
        }
        #expect(ContinuousClock.now - started < .seconds(30))  // not a timing test: it must not wait for ever
        #expect(error?.code == .connectionFailed)
        #expect(error?.isRetriable == true)
        #expect(error?.curlCode == 7)
        #expect(error?.description.contains("\(port)") == true)
    }

    @Test func aServerThatNeverGreetsTimesOut() async throws {
        // A socket that listens but never accepts: the TCP handshake completes, the SMTP greeting never comes.
        let (socket, port) = try Self.silentListener()
        defer { close(socket) }
        let started = ContinuousClock.now
        let error = await #expect(throws: MailError.self) {
            try await client(port: port, timeout: .seconds(1)).send(
                MailMessage(to: [try MailAddress("x@cliente.test")], subject: "x", textBody: "x"))
        }
        // Gives up instead of hanging; not a timing test (the machines are noisy).
        #expect(ContinuousClock.now - started < .seconds(60))
        #expect(error?.code == .timeout)
        #expect(error?.isRetriable == true)
    }

    @Test func aBadHostIsRefusedBeforeConnecting() throws {
        #expect(throws: MailError.self) {
            try SMTPClient(
                configuration: SMTPConfiguration(host: "smtp.example.com/path", from: try MailAddress("a@b.c")),
                logger: Self.logger)
        }
        #expect(throws: MailError.self) {
            try SMTPClient(
                configuration: SMTPConfiguration(
                    host: "smtp.example.com", username: "u", from: try MailAddress("a@b.c")),
                logger: Self.logger)
        }
    }

    // MARK: - Sockets

    static func silentListener() throws -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(fd, generic, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, generic, &length) == 0
            }
        }
        guard fd >= 0, bound else { throw SocketFailure() }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// A loopback port nothing listens on: bound by the kernel's choice, then closed again.
    static func unusedPort() throws -> Int {
        let (fd, port) = try silentListener()
        close(fd)
        return port
    }

    struct SocketFailure: Error {}
}
