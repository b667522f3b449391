import ConnectAsSchema
import Foundation
import Testing

@Suite("RFC 3339 timestamps")
struct RFC3339Tests {
    @Test func writesUTCWithMilliseconds() {
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: 1_740_824_130.123)) == "2025-03-01T10:15:30.123Z")
        // Leap day, and a value just below a millisecond boundary that must round, not truncate.
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: 951_782_400.999_9)) == "2000-02-29T00:00:01.000Z")
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: -1.5)) == "1969-12-31T23:59:58.500Z")
    }

    @Test(
        "reads what other languages write",
        arguments: [
            ("2025-03-01T10:15:30Z", 1_740_824_130.0),
            ("2025-03-01T10:15:30.1Z", 1_740_824_130.1),
            ("2025-03-01T10:15:30.123Z", 1_740_824_130.123),
            ("2025-03-01T10:15:30.123456789Z", 1_740_824_130.123),
            ("2025-03-01t10:15:30.123z", 1_740_824_130.123),
            ("2025-03-01T11:15:30.123+01:00", 1_740_824_130.123),
            ("2025-03-01T05:15:30.123-05:00", 1_740_824_130.123),
            ("2024-02-29T00:00:00Z", 1_709_164_800.0),
        ])
    func parses(_ text: String, _ seconds: Double) {
        #expect(RFC3339.date(from: text) == Date(timeIntervalSince1970: seconds))
    }

    @Test(
        "refuses what is not RFC 3339",
        arguments: [
            "", "2025-03-01", "2025-03-01 10:15:30Z", "2025-03-01T10:15:30", "2025-13-01T10:15:30Z",
            "2025-02-29T10:15:30Z", "2025-03-01T24:00:00Z", "2025-03-01T10:15:30.Z", "2025-03-01T10:15:30+0100",
            "2025-03-01T10:15:30Zjunk", "1740824130",
        ])
    func refuses(_ text: String) {
        #expect(RFC3339.date(from: text) == nil)
    }

    @Test func datesRFC3339CannotWriteAreClampedNotTrapped() {
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: .infinity)) == "9999-12-31T23:59:59.999Z")
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: -.infinity)) == "0001-01-01T00:00:00.000Z")
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: .nan)) == "0001-01-01T00:00:00.000Z")
        #expect(!RFC3339.isRepresentable(Date(timeIntervalSince1970: 1e15)))
        #expect(RFC3339.isRepresentable(Samples.time))
    }

    @Test func encodingAnUnwritableDateIsATypedError() throws {
        var reply = Samples.sessionLinkReply
        reply.expiresAt = Date(timeIntervalSince1970: 1e15)
        let event = CloudEvent(reply, source: EventSource.sessionInjector, id: "evt-1", time: Samples.time)
        let error = try #require(#expect(throws: SchemaError.self) { try EventCodec.encode(event) })
        #expect(error.code == .encodingFailed)
    }

    @Test func normalizedDatesSurviveTheWire() {
        let date = Date(timeIntervalSince1970: 1_740_824_130.123_456)
        let normalized = RFC3339.normalized(date)
        #expect(RFC3339.date(from: RFC3339.string(from: normalized)) == normalized)
        #expect(RFC3339.normalized(normalized) == normalized)
    }
}
