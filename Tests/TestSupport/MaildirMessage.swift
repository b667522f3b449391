import Foundation

/// A message aiosmtpd stored in the stack's Maildir, parsed by Python's `email` package: an independent reader, so
/// the tests check the encoding against someone else's decoder rather than our own.
public struct MaildirMessage: Decodable, Sendable {
    public var file: String
    public var subject: String
    public var from: String
    public var to: String
    public var date: String
    public var messageID: String
    public var rcptTo: String?
    public var contentType: String
    public var text: String?
    public var html: String?
    public var autoSubmitted: String?

    enum CodingKeys: String, CodingKey {
        case file, subject, from, to, date
        case messageID = "message_id"
        case rcptTo = "rcpt_to"
        case contentType = "content_type"
        case text, html
        case autoSubmitted = "auto_submitted"
    }

    public static func directory() throws -> URL {
        URL(fileURLWithPath: try StackEnvironment.require("CONNECTAS_SMTP_MAILDIR")).appendingPathComponent("new")
    }

    /// Every stored message whose raw text contains `needle` (e.g. a Message-ID), parsed.
    public static func all(containing needle: String) throws -> [MaildirMessage] {
        let directory = try directory()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return try names.sorted().compactMap { name -> MaildirMessage? in
            let url = directory.appendingPathComponent(name)
            guard let raw = try? String(contentsOf: url, encoding: .utf8), raw.contains(needle) else { return nil }
            return try parse(url)
        }
    }

    /// Waits until at least `count` messages contain `needle`, then waits `settle` more to catch extra ones.
    public static func wait(
        for needle: String, count: Int = 1, timeout: Duration = .seconds(20), settle: Duration = .zero
    ) async throws -> [MaildirMessage] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try all(containing: needle).count >= count {
                try await Task.sleep(for: settle)
                return try all(containing: needle)
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        return try all(containing: needle)
    }

    public static func parse(_ file: URL) throws -> MaildirMessage {
        let script = """
            import email, email.policy, json, sys
            with open(sys.argv[1], 'rb') as f:
                m = email.message_from_binary_file(f, policy=email.policy.default)
            def body(kind):
                part = m.get_body(preferencelist=(kind,))
                return part.get_content() if part is not None else None
            print(json.dumps({
                'file': sys.argv[1], 'subject': str(m['Subject']), 'from': str(m['From']), 'to': str(m['To']),
                'date': str(m['Date']), 'message_id': str(m['Message-ID']), 'rcpt_to': m['X-RcptTo'],
                'content_type': m.get_content_type(), 'text': body('plain'), 'html': body('html'),
                'auto_submitted': m['Auto-Submitted'],
            }))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, file.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try JSONDecoder().decode(MaildirMessage.self, from: data)
    }
}
