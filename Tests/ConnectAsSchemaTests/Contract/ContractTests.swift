@testable import ConnectAsSchema
import Foundation
import Testing

/// `contract/` and the Swift types say the same, both ways: a Codable change the contract does not follow fails here,
/// and so does a schema that promises what the decoder does not do. `Tests/Contract/test_contract.py` checks the same
/// files with a JSON Schema validator and the AsyncAPI document against the AsyncAPI 3.0 schema.
@Suite("The published contract matches the Swift types")
struct ContractTests {
    static let types = ConnectAsMessage.allPayloadTypes.map { $0.eventType.rawValue }
    let schemas = ContractSchemas.shared

    @Test("every message type has a schema and a sample, and every schema a type")
    func everyTypeHasASchemaAndASample() throws {
        for type in Self.types {
            #expect(schemas.files[ContractSchemas.schemaFileName(of: type)] != nil, "no schema for \(type)")
            #expect(throws: Never.self, "no sample for \(type)") { try ContractSchemas.sample(of: type) }
        }
        let shared: Set = ["common.schema.json", "cloudevent.schema.json"]
        let documented = Set(schemas.files.keys).subtracting(shared)
        #expect(documented == Set(Self.types.map(ContractSchemas.schemaFileName(of:))))
    }

    @Test("the sample decodes and Swift writes it back field for field", arguments: types)
    func sampleRoundTrips(_ type: String) throws {
        let sample = try ContractSchemas.sample(of: type)
        let decoded = try EventCodec.decode(sample)
        #expect(decoded.message.eventType.rawValue == type)
        let written = try EventCodec.encode(decoded)
        #expect(try Self.parsed(written) == Self.parsed(sample))
    }

    @Test("the schema's required fields are the ones the decoder requires", arguments: types)
    func requiredFieldsMatchTheDecoder(_ type: String) throws {
        let sample = try JSONSerialization.jsonObject(with: ContractSchemas.sample(of: type))
        let walk = try ContractVariants(sample: sample, schema: schemas.message(type), schemas: schemas)
        #expect(walk.problems.isEmpty, "\(walk.problems)")
        #expect(walk.variants.count > 5)
        for variant in walk.variants {
            let bytes = try JSONSerialization.data(withJSONObject: removing(variant.path, from: sample))
            let refused: Bool
            do {
                _ = try EventCodec.decode(bytes)
                refused = false
            } catch {
                refused = true
            }
            #expect(
                refused == variant.refused,
                "without \(variant): the schema \(variant.refused ? "refuses" : "accepts"), Swift \(refused ? "refuses" : "accepts")"
            )
        }
    }

    /// A stored property added to a Swift type, even an optional one, must be in the schema and the sample.
    @Test("every stored property of the Swift value is a field of the sample", arguments: types)
    func schemaNamesEveryStoredProperty(_ type: String) throws {
        let sample = try ContractSchemas.sample(of: type)
        let decoded = try EventCodec.decode(sample)
        let object = try JSONSerialization.jsonObject(with: sample) as? [String: Any]
        var missing: [String] = []
        Self.collectMissing(decoded.message.payload, in: object?["data"], path: "data", into: &missing)
        #expect(missing.isEmpty, "stored properties missing from the contract: \(missing)")
    }

    @Test("each type's topic and Kafka key are the ones the schema names", arguments: types)
    func topicAndKey(_ type: String) throws {
        let schema = try schemas.message(type).json
        let sample = try JSONSerialization.jsonObject(with: ContractSchemas.sample(of: type))
        let payload = try EventCodec.decode(ContractSchemas.sample(of: type)).message.payload
        #expect(schema["x-connectas-topic"] as? String == Swift.type(of: payload).defaultTopic)
        let template = try #require(schema["x-connectas-key"] as? String)
        #expect(Self.key(template, in: sample) == payload.partitionKey)
    }

    @Test("every closed set of values in Swift is the schema's enum")
    func enumsMatch() throws {
        func values<E: SchemaEnum>(_: E.Type) -> [String] { E.allCases.map(\.rawValue) }
        let swift: [String: [String]] = [
            "denialCode": values(DenialCode.self), "failureStage": values(FailureStage.self),
            "failureCode": values(FailureCode.self), "role": values(Role.self), "plan": values(Plan.self),
            "permission": values(Permission.self), "environmentStatus": values(EnvironmentStatus.self),
            "notificationChannel": values(NotificationChannel.self),
            "notificationLanguage": values(NotificationLanguage.self), "commandKind": values(CommandKind.self),
            "endReason": values(EndReason.self), "byteEncoding": values(ByteEncoding.self),
            "auditCaller": values(AuditQueried.Caller.self),
        ]
        for (name, cases) in swift {
            let documented = try schemas.definition(name)["enum"] as? [String]
            #expect(documented == cases, "common.schema.json#/$defs/\(name)")
        }
    }

    @Test("the field rules in the schema are the decoder's")
    func fieldRules() throws {
        #expect(try schemas.definition("id")["pattern"] as? String == FieldRules.idPattern)
        #expect(try schemas.definition("identifier")["maxLength"] as? Int == FieldRules.identifierMaxLength)
        #expect(try schemas.definition("email")["maxLength"] as? Int == FieldRules.emailMaxLength)
        #expect(try schemas.definition("userAgent")["maxLength"] as? Int == FieldRules.userAgentMaxLength)
        #expect(try schemas.definition("search")["maxLength"] as? Int == FieldRules.searchMaxLength)
        #expect(try schemas.definition("commandReason")["maxLength"] as? Int == FieldRules.reasonMaxLength)
        let policy = try schemas.definition("policySettings")["properties"] as? [String: [String: Any]]
        #expect(policy?["maxSessionDurationSeconds"]?["maximum"] as? Int == PolicySettings.maxSessionDurationUpperBound)
        #expect(policy?["maxSessionDurationSeconds"]?["default"] as? Int == PolicySettings.defaultMaxSessionDurationSeconds)
    }

    @Test("a field left out takes the schema's default")
    func defaultsOnTheWire() throws {
        var event = try JSONSerialization.jsonObject(with: ContractSchemas.sample(of: "platform.environment.v1"))
        event = removing([.key("data"), .key("server"), .key("port")], from: event)
        event = removing([.key("data"), .key("preflight"), .key("failures")], from: event)
        let environment = try EventCodec.decode(
            EnvironmentState.self, from: JSONSerialization.data(withJSONObject: event)
        ).data
        let common = try schemas.definition("server")["properties"] as? [String: [String: Any]]
        #expect(environment.server.port == common?["port"]?["default"] as? Int)
        #expect(environment.preflight.failures.isEmpty)
        var org = try JSONSerialization.jsonObject(with: ContractSchemas.sample(of: "platform.org.v1"))
        org = removing([.key("data"), .key("policy"), .key("maxSessionDurationSeconds")], from: org)
        let state = try EventCodec.decode(OrgState.self, from: JSONSerialization.data(withJSONObject: org)).data
        #expect(state.policy.maxSessionDurationSeconds == PolicySettings.defaultMaxSessionDurationSeconds)
    }

    // MARK: - Helpers

    static func parsed(_ data: Data) throws -> NSDictionary? {
        try JSONSerialization.jsonObject(with: data) as? NSDictionary
    }

    /// Fills a key template such as `{data.orgId}/{data.platformUserId}`; `{a|b|text}` takes the first present.
    static func key(_ template: String, in sample: Any) -> String {
        var result = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            result += rest[..<open]
            let choices = rest[rest.index(after: open)..<close].split(separator: "|")
            result += choices.lazy.compactMap { value(at: String($0), in: sample) }.first ?? String(choices.last ?? "")
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    private static func value(at path: String, in sample: Any) -> String? {
        var current: Any? = sample
        for key in path.split(separator: ".") { current = (current as? [String: Any])?[String(key)] }
        if let number = current as? NSNumber { return number.stringValue }
        return current as? String
    }

    private static func collectMissing(_ value: Any, in json: Any?, path: String, into missing: inout [String]) {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            if let wrapped = mirror.children.first?.value { collectMissing(wrapped, in: json, path: path, into: &missing) }
        case .collection:
            let elements = json as? [Any] ?? []
            for (index, child) in mirror.children.enumerated() {
                collectMissing(child.value, in: index < elements.count ? elements[index] : nil, path: "\(path).\(index)",
                    into: &missing)
            }
        case .struct where String(reflecting: Swift.type(of: value)).hasPrefix("ConnectAsSchema."):
            let object = json as? [String: Any] ?? [:]
            for child in mirror.children {
                guard let label = child.label else { continue }
                guard let field = object[label] else {
                    missing.append("\(path).\(label)")
                    continue
                }
                collectMissing(child.value, in: field, path: "\(path).\(label)", into: &missing)
            }
        default:
            break
        }
    }
}
