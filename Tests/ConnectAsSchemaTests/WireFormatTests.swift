import ConnectAsSchema
import Foundation
import Testing

@Suite("Hand-written JSON pins the wire names")
struct WireFormatTests {
    @Test("every message type has a hand-written fixture", .tags(.coverage))
    func everyTypeHasAFixture() {
        #expect(
            Set(WireFixture.all.map(\.expected.eventType.rawValue))
                == Set(ConnectAsMessage.allPayloadTypes.map { $0.eventType.rawValue }))
    }

    @Test("hand-written JSON decodes to the expected value", arguments: WireFixture.all)
    func decodes(_ fixture: WireFixture) throws {
        let decoded = try EventCodec.decode(Data(fixture.json.utf8))
        #expect(decoded.message == fixture.expected)
        #expect(decoded.attributes == Samples.attributes)
    }

    /// The other direction: what Swift writes holds exactly the keys the fixture uses (compared as parsed JSON).
    @Test("Swift writes what the fixture says", arguments: WireFixture.all)
    func encodesTheSameJSON(_ fixture: WireFixture) throws {
        let written = try EventCodec.encode(DecodedEvent(attributes: Samples.attributes, message: fixture.expected))
        let expected = try JSONSerialization.jsonObject(with: Data(fixture.json.utf8)) as? NSDictionary
        let actual = try JSONSerialization.jsonObject(with: written) as? NSDictionary
        #expect(actual == expected)
    }

    @Test func timestampsWithAnOffsetReadAsTheSameInstant() throws {
        let json = WireFixture.sessionEvents[0].json.replacingOccurrences(
            of: "2025-03-01T11:15:30.123Z", with: "2025-03-01T06:15:30.123456-05:00")
        #expect(json != WireFixture.sessionEvents[0].json)
        #expect(try EventCodec.decode(Data(json.utf8)).message == .sessionLinkIssued(Samples.sessionLinkIssued))
    }

    @Test func targetByIdAndByLogin() throws {
        let byId = try JSONDecoder().decode(TargetSelector.self, from: Data(#"{"odooUserId": 12}"#.utf8))
        let byLogin = try JSONDecoder().decode(TargetSelector.self, from: Data(#"{"login": "joe"}"#.utf8))
        #expect(byId == .odooUserId(12))
        #expect(byLogin == .login("joe"))
        // A null for the other key is the same as leaving it out.
        let withNull = try JSONDecoder().decode(
            TargetSelector.self, from: Data(#"{"odooUserId": null, "login": "joe"}"#.utf8))
        #expect(withNull == .login("joe"))
    }
}
