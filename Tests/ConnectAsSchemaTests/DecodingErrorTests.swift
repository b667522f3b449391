import ConnectAsSchema
import Foundation
import Testing

@Suite("Bad input gives a typed error, never a crash")
struct DecodingErrorTests {
    /// The InitiateSession fixture with one piece of its text replaced.
    static func initiateSession(replacing original: String, with replacement: String) -> String {
        let json = WireFixture.commands[0].json
        precondition(json.contains(original), "fixture no longer contains \(original)")
        return json.replacingOccurrences(of: original, with: replacement)
    }

    static func decodeError(_ json: String) -> SchemaError? {
        #expect(throws: SchemaError.self) { try EventCodec.decode(Data(json.utf8)) }
    }

    @Test func malformedJSON() throws {
        let error = try #require(Self.decodeError(#"{"specversion": "1.0", "type": "#))
        #expect(error.code == .malformedJSON)
        #expect(error.path == nil)
        #expect(try #require(Self.decodeError("")).code == .malformedJSON)
        #expect(try #require(Self.decodeError("not json at all")).code == .malformedJSON)
    }

    @Test func notAnObject() throws {
        let error = try #require(Self.decodeError("[1, 2]"))
        #expect(error.code == .wrongType)
        #expect(error.path == "")
        #expect(error.expected == "object")
    }

    @Test func missingFieldInsideData() throws {
        let json = Self.initiateSession(
            replacing: #""email": "ana@support.example""#, with: #""name": "Ana""#)
        let error = try #require(Self.decodeError(json))
        #expect(error.code == .missingField)
        #expect(error.path == "data.actor.email")
        // The envelope was readable, so the error still names the event and the request.
        #expect(error.eventId == "evt-1")
        #expect(error.eventType == "connectas.command.InitiateSession.v1")
        #expect(error.correlationId == "req-1")
        #expect(error.description.hasPrefix("schema.missing_field at data.actor.email: "))
    }

    @Test(
        "missing envelope attributes",
        arguments: [
            (#""id": "evt-1","#, "id"),
            (#""source": "/platform/backend","#, "source"),
            (#""time": "2025-03-01T10:15:30.123Z","#, "time"),
            (#""type": "connectas.command.InitiateSession.v1","#, "type"),
        ])
    func missingEnvelopeAttribute(_ line: String, _ path: String) throws {
        let error = try #require(Self.decodeError(Self.initiateSession(replacing: line, with: "")))
        #expect(error.code == .missingField)
        #expect(error.path == path)
    }

    @Test func missingData() throws {
        let json = """
            {"specversion": "1.0", "id": "evt-1", "source": "/platform", "type": "platform.member.v1",
             "time": "2025-03-01T10:15:30Z"}
            """
        let error = try #require(Self.decodeError(json))
        #expect(error.code == .missingField)
        #expect(error.path == "data")
    }

    @Test func wrongType() throws {
        let json = Self.initiateSession(
            replacing: #""target": {"login": "sam@customer.example"}"#, with: #""target": {"odooUserId": "7"}"#)
        let error = try #require(Self.decodeError(json))
        #expect(error.code == .wrongType)
        #expect(error.path == "data.target.odooUserId")
        #expect(error.expected == "integer")
    }

    @Test func objectExpected() throws {
        let json = Self.initiateSession(
            replacing: #""actor": {"platformUserId": "usr_42", "email": "ana@support.example"}"#,
            with: #""actor": "usr_42""#)
        let error = try #require(Self.decodeError(json))
        #expect(error.code == .wrongType)
        #expect(error.path == "data.actor")
        #expect(error.expected == "object")
    }

    @Test func nullWhereAValueIsRequired() throws {
        let json = Self.initiateSession(
            replacing: #""reason": "Customer reported invoice view error""#, with: #""reason": null"#)
        let error = try #require(Self.decodeError(json))
        #expect(error.code == .wrongType)
        #expect(error.path == "data.reason")
        #expect(error.expected == "string")
        #expect(error.found == "null")
    }

    @Test func wrongTypeInsideAnArray() throws {
        let fixture = WireFixture.replies[3].json
        let json = fixture.replacingOccurrences(
            of: #""displayName": "Sam Rivera", "isAdministrator": false"#,
            with: #""displayName": "Sam Rivera", "isAdministrator": "no""#)
        #expect(json != fixture)
        let error = try #require(Self.decodeError(json))
        #expect(error.code == .wrongType)
        #expect(error.path == "data.users[1].isAdministrator")
        #expect(error.expected == "boolean")
    }

    @Test func unknownType() throws {
        let json = Self.initiateSession(
            replacing: "connectas.command.InitiateSession.v1", with: "connectas.command.Teleport.v1")
        let error = try #require(Self.decodeError(json))
        #expect(error.code == .unknownType)
        #expect(error.path == "type")
        #expect(error.found == "connectas.command.Teleport.v1")
        #expect(error.correlationId == "req-1")

        let unversioned = Self.initiateSession(replacing: "connectas.command.InitiateSession.v1", with: "hello")
        #expect(try #require(Self.decodeError(unversioned)).code == .unknownType)
    }

    @Test func unsupportedVersion() throws {
        let json = Self.initiateSession(
            replacing: "connectas.command.InitiateSession.v1", with: "connectas.command.InitiateSession.v2")
        let error = try #require(Self.decodeError(json))
        #expect(error.code == .unsupportedVersion)
        #expect(error.expected == "v1")
        #expect(error.found == "v2")
        #expect(error.eventType == "connectas.command.InitiateSession.v2")
    }

    @Test func wrongSpecVersion() throws {
        let json = Self.initiateSession(replacing: #""specversion": "1.0""#, with: #""specversion": "0.3""#)
        let error = try #require(Self.decodeError(json))
        #expect(error.code == .unsupportedSpecVersion)
        #expect(error.path == "specversion")
        #expect(error.expected == "1.0")
        #expect(error.found == "0.3")

        let missing = try #require(
            Self.decodeError(Self.initiateSession(replacing: #""specversion": "1.0","#, with: "")))
        #expect(missing.code == .missingField)
        #expect(missing.path == "specversion")

        let number = try #require(
            Self.decodeError(Self.initiateSession(replacing: #""specversion": "1.0""#, with: #""specversion": 1.0"#)))
        #expect(number.code == .wrongType)
        #expect(number.path == "specversion")
    }

    @Test func invalidEnumValue() throws {
        let json = WireFixture.platformState[1].json.replacingOccurrences(
            of: #""role": "admin""#, with: #""role": "superuser""#)
        let error = try #require(Self.decodeError(json))
        #expect(error.code == .invalidValue)
        #expect(error.path == "data.role")
        #expect(error.expected == "one of owner, admin, developer, viewer")
        #expect(error.found == #""superuser""#)
    }

    @Test func unknownDenialCodeIsRefused() throws {
        let json = WireFixture.decisions[1].json.replacingOccurrences(
            of: "rate_limited_client_ip", with: "rate_limited_planet")
        let error = try #require(Self.decodeError(json))
        #expect(error.code == .invalidValue)
        #expect(error.path == "data.code")
        #expect(error.found == #""rate_limited_planet""#)
    }

    @Test func unknownPermissionOrRoleInOverrides() throws {
        let org = WireFixture.platformState[0].json
        let permission = try #require(
            Self.decodeError(org.replacingOccurrences(of: "env.impersonation.initiate", with: "env.teleport")))
        #expect(permission.code == .invalidValue)
        #expect(permission.path == #"data.permissionOverrides.developer["env.teleport"]"#)

        let role = try #require(
            Self.decodeError(org.replacingOccurrences(of: #""developer": {"#, with: #""intern": {"#)))
        #expect(role.code == .invalidValue)
        #expect(role.path == "data.permissionOverrides.intern")
        #expect(role.found == #""intern""#)
    }

    @Test("blank identifiers are invalid", arguments: [#""requestId": """#, #""requestId": "   ""#])
    func blankIdentifier(_ replacement: String) throws {
        let error = try #require(
            Self.decodeError(Self.initiateSession(replacing: #""requestId": "req-1""#, with: replacement)))
        #expect(error.code == .invalidValue)
        #expect(error.path == "data.requestId")
    }

    @Test func emptyReasonIsPolicysToRefuseNotTheSchemas() throws {
        let json = Self.initiateSession(
            replacing: #""reason": "Customer reported invoice view error""#, with: #""reason": """#)
        guard case .initiateSession(let command) = try EventCodec.decode(Data(json.utf8)).message else {
            Issue.record("not an InitiateSession")
            return
        }
        #expect(command.reason == "")
    }

    @Test(
        "the target names the user exactly one way",
        arguments: [
            (#"{"odooUserId": 7, "login": "sam"}"#, "both"),
            (#"{}"#, "neither"),
        ])
    func targetExactlyOne(_ target: String, _ found: String) throws {
        let error = try #require(
            Self.decodeError(
                Self.initiateSession(
                    replacing: #""target": {"login": "sam@customer.example"}"#, with: #""target": \#(target)"#)))
        #expect(error.code == .invalidValue)
        #expect(error.path == "data.target")
        #expect(error.found == found)
    }

    @Test func badTimestamps() throws {
        let envelope = try #require(
            Self.decodeError(
                Self.initiateSession(replacing: "2025-03-01T10:15:30.123Z", with: "yesterday")))
        #expect(envelope.code == .invalidValue)
        #expect(envelope.path == "time")
        #expect(envelope.found == "yesterday")

        let impossible = WireFixture.sessionEvents[0].json.replacingOccurrences(
            of: "2025-03-01T10:20:30.123Z", with: "2025-02-30T10:20:30.123Z")
        let data = try #require(Self.decodeError(impossible))
        #expect(data.code == .invalidValue)
        #expect(data.path == "data.linkExpiresAt")
    }

    @Test func serverRules() throws {
        let environment = WireFixture.platformState[2].json
        let fingerprint = try #require(
            Self.decodeError(
                environment.replacingOccurrences(
                    of: "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU", with: "MD5:16:27:ac:a5")))
        #expect(fingerprint.code == .invalidValue)
        #expect(fingerprint.path == "data.server.hostKeyFingerprint")

        let port = try #require(
            Self.decodeError(environment.replacingOccurrences(of: #""port": 2222"#, with: #""port": 70000"#)))
        #expect(port.code == .invalidValue)
        #expect(port.path == "data.server.port")
        #expect(port.found == "70000")

        let runtime = try #require(
            Self.decodeError(environment.replacingOccurrences(of: #""kind": "host""#, with: #""kind": "k8s""#)))
        #expect(runtime.code == .invalidValue)
        #expect(runtime.path == "data.runtime.kind")

        let status = try #require(
            Self.decodeError(environment.replacingOccurrences(of: #""status": "running""#, with: #""status": "up""#)))
        #expect(status.code == .invalidValue)
        #expect(status.path == "data.status")
    }

    @Test func dataContentType() throws {
        let xml = try #require(
            Self.decodeError(Self.initiateSession(replacing: "application/json", with: "application/xml")))
        #expect(xml.code == .invalidValue)
        #expect(xml.path == "datacontenttype")

        let withCharset = Self.initiateSession(replacing: "application/json", with: "application/json; charset=utf-8")
        #expect(try EventCodec.decode(Data(withCharset.utf8)).message == .initiateSession(Samples.initiateSession))

        let absent = Self.initiateSession(replacing: #""datacontenttype": "application/json","#, with: "")
        #expect(try EventCodec.decode(Data(absent.utf8)).message == .initiateSession(Samples.initiateSession))
    }

    @Test func typedDecodeOfAnotherType() throws {
        let bytes = Data(WireFixture.commands[0].json.utf8)
        let error = try #require(
            #expect(throws: SchemaError.self) { try EventCodec.decode(OrgState.self, from: bytes) })
        #expect(error.code == .unexpectedType)
        #expect(error.expected == "platform.org.v1")
        #expect(error.found == "connectas.command.InitiateSession.v1")

        let unknown = Data(
            Self.initiateSession(replacing: "connectas.command.InitiateSession.v1", with: "platform.org.v9").utf8)
        let versionError = try #require(
            #expect(throws: SchemaError.self) { try EventCodec.decode(OrgState.self, from: unknown) })
        #expect(versionError.code == .unsupportedVersion)
    }

    @Test func deadLetterBytes() throws {
        let letter = WireFixture.deadLetters[0].json
        let base64 = try #require(
            Self.decodeError(letter.replacingOccurrences(of: #""payload": "//4AQQ==""#, with: #""payload": "@@@""#)))
        #expect(base64.code == .invalidValue)
        #expect(base64.path == "data.payload")

        let encoding = try #require(
            Self.decodeError(
                letter.replacingOccurrences(of: #""payloadEncoding": "base64""#, with: #""payloadEncoding": "hex""#)))
        #expect(encoding.code == .invalidValue)
        #expect(encoding.path == "data.payloadEncoding")
    }

    @Test func linkMustBeAnAbsoluteURL() throws {
        let json = WireFixture.replies[0].json.replacingOccurrences(
            of: "https://acme.odoo.example/connectas/redeem/3q2-7wEAAAA", with: "/connectas/redeem/3q2-7wEAAAA")
        let error = try #require(Self.decodeError(json))
        #expect(error.code == .invalidValue)
        #expect(error.path == "data.url")
        // A broken link may still hold a live token: it is not repeated in the error.
        #expect(error.found == nil)
        #expect(!error.description.contains("3q2-7wEAAAA"))
    }

    @Test func unknownFieldsAreIgnoredAtEveryLevel() throws {
        var json = Self.initiateSession(
            replacing: #""specversion": "1.0","#,
            with: #""specversion": "1.0", "traceparent": "00-abc-def-01", "x-extra": {"nested": [1, 2, 3]},"#)
        json = json.replacingOccurrences(of: #""requestId": "req-1","#, with: #""requestId": "req-1", "priority": 5,"#)
        json = json.replacingOccurrences(
            of: #""email": "ana@support.example"}"#, with: #""email": "ana@support.example", "name": "Ana"}"#)
        let decoded = try EventCodec.decode(Data(json.utf8))
        #expect(decoded.message == .initiateSession(Samples.initiateSession))
        #expect(decoded.attributes == Samples.attributes)
    }

    @Test func decodesFromByteArrays() throws {
        let bytes = Array(WireFixture.platformState[1].json.utf8)
        #expect(try EventCodec.decode(bytes).message == .memberState(Samples.memberState))
    }
}
