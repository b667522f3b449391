import Foundation
import TestSupport

/// A message aiosmtpd kept in the stack's Maildir, parsed by Python's `email` package: an independent reader of
/// the headers' encoded words and the quoted-printable bodies.
struct NotifierMaildir: Decodable {
    var subject: String
    var from: String
    var to: String
    var messageID: String
    var rcptTo: String?
    var text: String?
    var html: String?
    var autoSubmitted: String?

    enum CodingKeys: String, CodingKey {
        case subject, from, to
        case messageID = "message_id"
        case rcptTo = "rcpt_to"
        case text, html
        case autoSubmitted = "auto_submitted"
    }

    /// Every stored message whose raw text contains `needle` (a unique recipient address), parsed.
    static func all(containing needle: String) throws -> [NotifierMaildir] {
        let directory = URL(fileURLWithPath: try StackEnvironment.require("CONNECTAS_SMTP_MAILDIR"))
            .appendingPathComponent("new")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return try names.sorted().compactMap { name in
            let url = directory.appendingPathComponent(name)
            guard let raw = try? String(contentsOf: url, encoding: .utf8), raw.contains(needle) else { return nil }
            return try parse(url)
        }
    }

    /// Waits for a message containing `needle`, then `settle` longer, and returns all that contain it.
    static func wait(for needle: String, timeout: Duration = .seconds(60), settle: Duration = .zero) async throws
        -> [NotifierMaildir]
    {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, try all(containing: needle).isEmpty {
            try await Task.sleep(for: .milliseconds(200))
        }
        try await Task.sleep(for: settle)
        return try all(containing: needle)
    }

    static func parse(_ file: URL) throws -> NotifierMaildir {
        let script = """
            import email, email.policy, json, sys
            with open(sys.argv[1], 'rb') as f:
                m = email.message_from_binary_file(f, policy=email.policy.default)
            def body(kind):
                part = m.get_body(preferencelist=(kind,))
                return part.get_content() if part is not None else None
            print(json.dumps({
                'subject': str(m['Subject']), 'from': str(m['From']), 'to': str(m['To']),
                'message_id': str(m['Message-ID']), 'rcpt_to': m['X-RcptTo'], 'text': body('plain'),
                'html': body('html'), 'auto_submitted': m['Auto-Submitted'],
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
        return try JSONDecoder().decode(NotifierMaildir.self, from: data)
    }
}
