import ConnectAsSchema
import Foundation
import Testing

@Suite("Round trip through the envelope")
struct RoundTripTests {
    @Test("every message type has a sample", .tags(.coverage))
    func everyTypeHasASample() {
        let sampled = Set(Samples.all.map(\.eventType.rawValue))
        let known = Set(ConnectAsMessage.allPayloadTypes.map { $0.eventType.rawValue })
        #expect(sampled == known)
        #expect(known.count == 33)
    }

    @Test("encode then decode gives back the same message", arguments: Samples.all)
    func roundTrip(_ message: ConnectAsMessage) throws {
        let original = DecodedEvent(attributes: Samples.attributes, message: message)
        let bytes = try EventCodec.encode(original)
        let decoded = try EventCodec.decode(bytes)
        #expect(decoded == original)
        #expect(decoded.type == message.eventType)
        // Deterministic: encoding the decoded value again gives the very same bytes.
        #expect(try EventCodec.encode(decoded) == bytes)
    }

    @Test("typed decode of every message type", arguments: Samples.all)
    func typedRoundTrip(_ message: ConnectAsMessage) throws {
        try Self.typedRoundTrip(message.payload)
    }

    private static func typedRoundTrip<Payload: MessagePayload>(_ payload: Payload) throws {
        let event = CloudEvent(payload, source: EventSource.policyService, id: "evt-typed", time: Samples.time)
        let decoded = try EventCodec.decode(Payload.self, from: EventCodec.encode(event))
        #expect(decoded == event)
        #expect(decoded.data == payload)
        #expect(decoded.correlationId == payload.correlationId)
        #expect(decoded.subject == payload.subject)
    }

    @Test func deadLetterWithTextPayloadRoundTrips() throws {
        let letter = DeadLetter(
            originalTopic: "connectas.events", partition: 0, offset: 7, key: nil,
            payload: Data(#"{"specversion":"0.3"}"#.utf8),
            error: SchemaError(
                code: .unsupportedSpecVersion, path: "specversion", expected: "1.0", found: "0.3",
                message: "only CloudEvents 1.0 is supported", eventId: "evt-9", correlationId: "req-9"),
            service: "audit-writer", failedAt: Samples.time)
        let bytes = try EventCodec.encode(CloudEvent(letter, source: EventSource.auditWriter, id: "dlq-1"))
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains(#""payload":"{\"specversion\":\"0.3\"}""#))
        #expect(text.contains(#""payloadEncoding":"utf8""#))
        #expect(!text.contains(#""key""#))
        let decoded = try EventCodec.decode(DeadLetter.self, from: bytes).data
        #expect(decoded == letter)
        #expect(decoded.errorCode == "schema.unsupported_specversion")
        #expect(decoded.originalEventId == "evt-9")
        #expect(decoded.correlationId == "req-9")
    }
}

extension Tag {
    @Tag static var coverage: Self
}
