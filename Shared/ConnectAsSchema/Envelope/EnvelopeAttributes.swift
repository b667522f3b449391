import Foundation

/// The CloudEvents attributes of a message apart from `type` (which the payload determines) and `data`.
public struct EnvelopeAttributes: Sendable, Equatable {
    /// Unique per event; consumers record it to process each event exactly once, so a retried publish must reuse it.
    public var id: String
    public var source: String
    /// When the occurrence happened, kept to the millisecond (see ``RFC3339``).
    public var time: Date {
        get { storedTime }
        set { storedTime = RFC3339.normalized(newValue) }
    }
    public var subject: String?
    /// The `correlationid` extension: the request id of the command this message belongs to.
    public var correlationId: String?

    private var storedTime: Date

    public init(id: String, source: String, time: Date, subject: String? = nil, correlationId: String? = nil) {
        self.id = id
        self.source = source
        self.storedTime = RFC3339.normalized(time)
        self.subject = subject
        self.correlationId = correlationId
    }
}
