import ConnectAsSchema
import Foundation
import Testing

@Suite("CloudEvents envelope")
struct EnvelopeTests {
    @Test func builderTakesSubjectAndCorrelationFromThePayload() {
        let event = CloudEvent(Samples.sessionRedeemed, source: EventSource.sessionInjector)
        #expect(event.type.rawValue == "connectas.event.SessionRedeemed.v1")
        #expect(event.subject == "ses-1")
        #expect(event.correlationId == "req-1")
        #expect(event.source == "/connectas/session-injector")
        #expect(UUID(uuidString: event.id) != nil)
        #expect(event.id == event.id.lowercased())
    }

    @Test func builderKeepsTimeToTheMillisecondSoItSurvivesTheWire() throws {
        let event = CloudEvent(
            Samples.memberState, source: "/platform", id: "evt-1",
            time: Date(timeIntervalSince1970: 1_740_824_130.123_456_7))
        #expect(event.time == Date(timeIntervalSince1970: 1_740_824_130.123))
        #expect(try EventCodec.decode(MemberState.self, from: EventCodec.encode(event)) == event)
    }

    @Test func encodingIsExactAndSorted() throws {
        let event = CloudEvent(Samples.memberState, source: "/platform", id: "evt-1", time: Samples.time)
        let text = String(decoding: try EventCodec.encode(event), as: UTF8.self)
        #expect(
            text
                == #"{"data":{"email":"ana@support.example","orgId":"org-1","platformUserId":"usr_42","role":"admin"},"#
                + #""datacontenttype":"application/json","id":"evt-1","source":"/platform","specversion":"1.0","#
                + #""subject":"usr_42","time":"2025-03-01T10:15:30.123Z","type":"platform.member.v1"}"#
        )
    }

    @Test func correlationIdIsWrittenAsTheCorrelationidExtension() throws {
        let event = CloudEvent(Samples.initiateSession, source: "/platform", id: "evt-1", time: Samples.time)
        let object = try #require(
            try JSONSerialization.jsonObject(with: EventCodec.encode(event)) as? [String: Any])
        #expect(object["correlationid"] as? String == "req-1")
        #expect(object["subject"] as? String == "env-1")
        #expect(object["specversion"] as? String == "1.0")
        #expect(object["datacontenttype"] as? String == "application/json")
        #expect(object["type"] as? String == "connectas.command.InitiateSession.v1")
        #expect((object["data"] as? [String: Any])?["requestId"] as? String == "req-1")
    }

    @Test(
        "partition keys follow the design",
        arguments: [
            (ConnectAsMessage.initiateSession(Samples.initiateSession), "env-1"),
            (.sessionLinkIssued(Samples.sessionLinkIssued), "env-1"),
            (.sessionLinkReply(Samples.sessionLinkReply), "req-1"),
            (.usersListReply(Samples.usersListReply), "req-4"),
            (.orgState(Samples.orgState), "org-1"),
            (.memberState(Samples.memberState), "org-1/usr_42"),
            (.environmentState(Samples.environmentState), "env-1"),
            (.deadLetter(Samples.deadLetter), "connectas.commands/3/1042"),
        ])
    func partitionKeys(_ message: ConnectAsMessage, _ key: String) {
        #expect(message.payload.partitionKey == key)
    }

    @Test func defaultTopics() {
        #expect(InitiateSession.defaultTopic == "connectas.commands")
        #expect(InitiateApproved.defaultTopic == "connectas.events")
        #expect(SessionFailed.defaultTopic == "connectas.events")
        #expect(RequestDeniedReply.defaultTopic == "connectas.replies")
        #expect(DeadLetter.defaultTopic == "connectas.dlq")
        #expect(OrgState.defaultTopic == "platform.orgs")
        #expect(MemberState.defaultTopic == "platform.members")
        #expect(EnvironmentState.defaultTopic == "platform.environments")
    }

    @Test func eventTypeParsing() {
        let parsed = EventType(parsing: "connectas.command.InitiateSession.v12")
        #expect(parsed == EventType("connectas.command.InitiateSession", version: 12))
        #expect(parsed?.rawValue == "connectas.command.InitiateSession.v12")
        #expect(EventType(parsing: "connectas.command.InitiateSession") == nil)
        #expect(EventType(parsing: "connectas.command.InitiateSession.v") == nil)
        #expect(EventType(parsing: "connectas.command.InitiateSession.v0") == nil)
        #expect(EventType(parsing: "connectas.command.InitiateSession.vX") == nil)
        #expect(EventType(parsing: ".v1") == nil)
        #expect(EventType(parsing: "platform.org.v1") == OrgState.eventType)
    }

    @Test func eventTypeIsCodedAsItsWireString() throws {
        let data = try JSONEncoder().encode([SessionRedeemed.eventType])
        #expect(String(decoding: data, as: UTF8.self) == #"["connectas.event.SessionRedeemed.v1"]"#)
        #expect(try JSONDecoder().decode([EventType].self, from: data) == [SessionRedeemed.eventType])
        #expect(throws: SchemaError.self) { try JSONDecoder().decode([EventType].self, from: Data(#"["nope"]"#.utf8)) }
    }
}
