import ConnectAsSchema
import Testing

/// JSON as a platform team in another language would write it from the documentation, with the value it must decode to.
struct WireFixture: Sendable, CustomTestStringConvertible {
    let json: String
    let expected: ConnectAsMessage

    var testDescription: String { expected.eventType.rawValue }

    /// Wraps hand-written `data` in the envelope every fixture shares (the attributes of ``Samples/attributes``).
    init(type: String, data: String, expected: ConnectAsMessage) {
        json = """
            {
              "specversion": "1.0",
              "id": "evt-1",
              "source": "/platform/backend",
              "type": "\(type)",
              "time": "2025-03-01T10:15:30.123Z",
              "subject": "env-1",
              "datacontenttype": "application/json",
              "correlationid": "req-1",
              "data": \(data)
            }
            """
        self.expected = expected
    }

    static let all: [WireFixture] =
        commands + decisions + sessionEvents + replies + platformState + deadLetters + audit
}
