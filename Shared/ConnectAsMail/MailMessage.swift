import Foundation

/// One e-mail: recipients, subject, a plain-text body and optionally an HTML alternative.
///
/// The sender is the ``SMTPConfiguration/from`` of the client that sends it.
public struct MailMessage: Sendable {
    public var to: [MailAddress]
    public var subject: String
    public var textBody: String
    /// When set, the message is `multipart/alternative` with the text first and this HTML second.
    public var htmlBody: String?
    /// The `Message-ID` without its angle brackets (`id@domain`). Set it from something stable (a notification id)
    /// so that a message sent twice after a crash is recognisably the same one; when nil a random one is made.
    public var messageID: String?
    /// The `Date` header; now when nil.
    public var date: Date?
    /// Further headers, e.g. `Auto-Submitted: auto-generated`; names and values are checked like the others.
    public var additionalHeaders: [(name: String, value: String)]

    public init(
        to: [MailAddress], subject: String, textBody: String, htmlBody: String? = nil, messageID: String? = nil,
        date: Date? = nil, additionalHeaders: [(name: String, value: String)] = []
    ) {
        self.to = to
        self.subject = subject
        self.textBody = textBody
        self.htmlBody = htmlBody
        self.messageID = messageID
        self.date = date
        self.additionalHeaders = additionalHeaders
    }
}
