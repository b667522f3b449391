import ConnectAsSchema
import Foundation
import Testing

/// What an attacker who can publish to the command topic may send, refused at the door with a typed error that
/// names the field and the request, never a crash and never a silently different reading.
@Suite("Hostile input is refused at the door")
struct HostileInputTests {
    static let fixture = WireFixture.commands[0].json

    static func refusal(_ json: String) throws -> SchemaError {
        try #require(DecodingErrorTests.decodeError(json))
    }

    static func replacing(_ original: String, _ replacement: String) -> String {
        DecodingErrorTests.initiateSession(replacing: original, with: replacement)
    }

    @Test("a record over the limit is refused, still labelled with its request")
    func tooLarge() throws {
        let huge = String(repeating: "x", count: 5 * 1024 * 1024)
        let error = try Self.refusal(Self.replacing(#""Customer reported invoice view error""#, "\"\(huge)\""))
        #expect(error.code == .tooLarge)
        #expect(error.correlationId == "req-1")
        #expect(error.eventType == "connectas.command.InitiateSession.v1")
        #expect(error.description.utf8.count < 1_000)
        // Just under the limit is read (and then judged by the field rules).
        let fitting = String(repeating: "y", count: 1_500)
        #expect(throws: Never.self) {
            try EventCodec.decode(Data(Self.replacing(#""Customer reported invoice view error""#, "\"\(fitting)\"").utf8))
        }
    }

    @Test("nesting 100,000 deep is refused without recursion")
    func tooDeep() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let error = try Self.refusal(Self.replacing(#""Mozilla/5.0 (X11; Linux x86_64)""#, deep))
        #expect(error.code == .tooDeep)
        #expect(error.correlationId == "req-1")
        #expect(try Self.refusal(String(repeating: "{\"a\":", count: 50_000)).code == .tooDeep)
    }

    @Test("a duplicate key is refused wherever it is, escaped spellings included")
    func duplicateKeys() throws {
        let top = Self.fixture.replacingOccurrences(
            of: #""type": "connectas.command.InitiateSession.v1""#,
            with: #""type": "connectas.command.InitiateSession.v1", "type": "platform.org.v1""#)
        #expect(top != Self.fixture)
        let error = try Self.refusal(top)
        #expect(error.code == .duplicateKey)
        #expect(error.path == "type")
        let nested = try Self.refusal(
            Self.replacing(#""email": "ana@support.example""#, #""email": "ana@support.example", "em\u0061il": "x@y""#))
        #expect(nested.code == .duplicateKey)
        #expect(nested.path == "data.actor.email")
        #expect(nested.correlationId == "req-1")
    }

    @Test("escapes that would trap or fool the scan are refused", arguments: [
        #"{"id":"\uD800\u0041"}"#, #"{"id":"\uDBFF\uFFFF"}"#, #"{"id":"\uD800"}"#,
    ])
    func brokenSurrogates(_ json: String) {
        #expect(throws: SchemaError.self) { try EventCodec.decode(Data(json.utf8)) }
    }

    @Test("canonically equivalent keys are one key, as Swift reads them")
    func kelvinSign() throws {
        let json = Self.replacing(#""email": "ana@support.example""#, #""emaiK": "x@y", "emai\u212A": "z@y""#)
        #expect(try Self.refusal(json).code == .duplicateKey)
    }

    @Test("UTF-16 text is not read as JSON")
    func utf16() throws {
        let data = Self.fixture.data(using: .utf16LittleEndian)!
        #expect(try Self.refusal(String(decoding: data, as: UTF8.self)).code == .malformedJSON)
        #expect(throws: SchemaError.self) { try EventCodec.decode(data) }
    }

    @Test("ids follow their pattern", arguments: ["req 1", "req/1", String(repeating: "r", count: 129), "-r", "r\u{0}", "é"])
    func badRequestID(_ id: String) throws {
        let json = Self.replacing(#""requestId": "req-1""#, #""requestId": \#(Self.quoted(id))"#)
        let error = try Self.refusal(json)
        #expect(error.code == .invalidValue)
        #expect(error.path == "data.requestId")
    }

    @Test("NUL and control characters are refused in identifiers, e-mails and user agents", arguments: [
        (#""email": "ana@support.example""#, #""email": "ana\u0000@support.example""#, "data.actor.email"),
        (#""login": "sam@customer.example""#, #""login": "sam\u0000""#, "data.target.login"),
        (#""login": "sam@customer.example""#, #""login": "sam\r\nX-Injected: 1""#, "data.target.login"),
        (#""userAgent": "Mozilla/5.0 (X11; Linux x86_64)""#, #""userAgent": "UA\u0000""#, "data.userAgent"),
        (#""email": "ana@support.example""#, #""email": "not an address""#, "data.actor.email"),
        (#""clientIp": "203.0.113.9""#, #""clientIp": "<script>""#, "data.clientIp"),
        (#""clientIp": "203.0.113.9""#, #""clientIp": "203.0.113.9\r\n""#, "data.clientIp"),
        (#""clientIp": "203.0.113.9""#, #""clientIp": "203.0.113.9:80""#, "data.clientIp"),
    ])
    func badCharacters(_ original: String, _ replacement: String, _ path: String) throws {
        let error = try Self.refusal(Self.replacing(original, replacement))
        #expect(error.code == .invalidValue)
        #expect(error.path == path)
        #expect(!error.description.contains("\u{0}"))
        #expect(!error.description.contains("\r"))
    }

    @Test("a 1 MB login is refused by its limit, and the error repeats only a prefix")
    func longLogin() throws {
        let login = String(repeating: "l", count: 200_000)
        let error = try Self.refusal(Self.replacing(#""login": "sam@customer.example""#, #""login": "\#(login)""#))
        #expect(error.code == .invalidValue)
        #expect(error.path == "data.target.login")
        #expect(error.description.utf8.count < 1_000)
    }

    @Test("the client IP is stored in its normal form")
    func normalizedIP() throws {
        let json = Self.replacing(#""clientIp": "203.0.113.9""#, #""clientIp": "2001:DB8:0:0::1""#)
        guard case .initiateSession(let command) = try EventCodec.decode(Data(json.utf8)).message else {
            Issue.record("not an InitiateSession")
            return
        }
        #expect(command.clientIp == "2001:db8::1")
    }

    @Test("a reason may hold any character, for policy to refuse with a denial")
    func reasonIsPolicys() throws {
        let json = Self.replacing(#""Customer reported invoice view error""#, #""bad\u0000reason\u0007 here""#)
        guard case .initiateSession(let command) = try EventCodec.decode(Data(json.utf8)).message else {
            Issue.record("not an InitiateSession")
            return
        }
        #expect(command.reason.contains("\u{0}"))
    }

    @Test("the maximum session length is bounded where the org record is read")
    func boundedDuration() throws {
        let org = WireFixture.platformState[0]
        let json = org.json.replacingOccurrences(
            of: #""maxSessionDurationSeconds": 1800"#, with: #""maxSessionDurationSeconds": 2147483648"#)
        #expect(json != org.json)
        let error = try Self.refusal(json)
        #expect(error.code == .invalidValue)
        #expect(error.path == "data.policy.maxSessionDurationSeconds")
    }

    @Test("random bytes never crash the decoder")
    func randomBytes() {
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 2, 7, 64, 1_000, 70_000] {
            for _ in 0..<20 {
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                #expect(throws: SchemaError.self) { try EventCodec.decode(bytes) }
            }
        }
    }

    @Test("dead letters copy a bounded prefix with the size and hash of the whole")
    func boundedDeadLetter() throws {
        let payload = Data(repeating: 0x41, count: 5 * 1024 * 1024)
        let letter = DeadLetter(
            originalTopic: "connectas.commands", partition: 0, offset: 1, key: Data(repeating: 0x4B, count: 10_000),
            payload: payload, errorCode: "schema.too_large", reason: String(repeating: "r", count: 100_000),
            service: "policy-service", failedAt: Date(), payloadSha256: "ab")
        #expect(letter.payload.count == DeadLetter.maxCopiedPayloadBytes)
        #expect(letter.payloadSize == payload.count)
        #expect(letter.key?.count == DeadLetter.maxCopiedKeyBytes)
        let encoded = try EventCodec.encode(CloudEvent(letter, source: "test", id: "dlq-1"))
        #expect(encoded.count < 100 * 1024)
    }

    static func quoted(_ text: String) -> String {
        String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
    }
}
