import ConnectAsSchema
import Foundation

/// The bad records: every kind the contract refuses, spread over the fields and the command types, each with a
/// request id of its own so that its answer can be found.
extension HostileInputTests {
    static let oneMegabyte = String(repeating: "M", count: 1024 * 1024)
    static let fiveMegabytes = String(repeating: "F", count: 5 * 1024 * 1024)
    static let shellPayloads = [
        "$(touch /tmp/connectas-pwned)", "`id`", "; rm -rf / #", "../../../../etc/passwd", "a' OR '1'='1",
        "|| curl 127.0.0.1 ||", "%00%0a", "${IFS}cat${IFS}/etc/shadow",
    ]

    static func json(_ text: String) -> String {
        String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
    }

    /// A CloudEvent whose attributes come first, so that a refusal later in the record can still be attributed.
    static func envelope(
        type: String, requestID: String, data: String, time: Date = Date(), extra: String = ""
    ) -> String {
        """
        {"specversion":"1.0","id":\(json("evt-" + requestID)),"source":"/platform/hostile","type":\(json(type)),\
        "time":"\(RFC3339.string(from: time))","correlationid":\(json(requestID)),\(extra)"data":\(data)}
        """
    }

    /// The fields of an InitiateSession, any of which a record may replace.
    static func initiateFields(_ requestID: String) -> [(String, String)] {
        [
            ("requestId", json(requestID)), ("orgId", json("hostile-org")), ("environmentId", json("hostile-env")),
            ("actor", #"{"platformUserId":"mallory","email":"mallory@attacker.example"}"#),
            ("target", #"{"login":"demo.user"}"#), ("reason", json("Reproducing the customer's invoice problem")),
            ("clientIp", json("198.51.100.7")), ("userAgent", json("hostile-test")),
        ]
    }

    static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\(json($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }

    static func initiate(_ requestID: String, replacing name: String? = nil, with value: String? = nil) -> String {
        var fields = initiateFields(requestID)
        if let name, let index = fields.firstIndex(where: { $0.0 == name }) {
            if let value { fields[index].1 = value } else { fields.remove(at: index) }
        }
        return object(fields)
    }

    /// The nested fields too: a NUL or a megabyte in the actor's e-mail or the target's login.
    static func initiate(_ requestID: String, badString: String, at slot: Int) -> String {
        switch slot % 8 {
        case 0: initiate(requestID, replacing: "userAgent", with: json(badString))
        case 1: initiate(requestID, replacing: "actor", with: #"{"platformUserId":"mallory","email":"# + json(badString) + "}")
        case 2: initiate(requestID, replacing: "target", with: #"{"login":"# + json(badString) + "}")
        case 3: initiate(requestID, replacing: "reason", with: json(badString))
        case 4: initiate(requestID, replacing: "orgId", with: json(badString))
        case 5: initiate(requestID, replacing: "environmentId", with: json(badString))
        case 6: initiate(requestID, replacing: "clientIp", with: json(badString))
        default: initiate(requestID, replacing: "requestId", with: json(badString))
        }
    }

    static func badCommand(_ index: Int, topic: String) -> Bad {
        let requestID = "hostile-\(index)"
        let initiateType = InitiateSession.eventType.rawValue
        func command(_ data: String, type: String = initiateType, time: Date = Date(), extra: String = "") -> Bad {
            Bad(
                topic: topic, key: "hostile-env",
                value: Array(envelope(type: type, requestID: requestID, data: data, time: time, extra: extra).utf8),
                requestID: requestID)
        }
        switch index % 20 {
        case 0:
            var generator = SystemRandomNumberGenerator()
            let bytes = (0..<Int.random(in: 0...300, using: &generator)).map { _ in UInt8.random(in: 0...255) }
            return Bad(topic: topic, key: nil, value: bytes, requestID: nil)
        case 1:
            return Bad(topic: topic, key: "hostile-env", value: [], requestID: nil)
        case 2:
            return Bad(topic: topic, key: "hostile-env", value: nil, requestID: nil)
        case 3:
            let whole = envelope(type: initiateType, requestID: requestID, data: initiate(requestID))
            return Bad(
                topic: topic, key: "hostile-env", value: Array(whole.utf8.prefix(whole.utf8.count / 2 + index % 40)),
                requestID: requestID)
        case 4:
            return command(initiate(requestID, badString: index % 500 == 4 ? fiveMegabytes : oneMegabyte, at: index / 20))
        case 5:
            let depth = index % 100 == 5 ? 100_000 : 1_000
            return command(
                initiate(
                    requestID, replacing: "userAgent",
                    with: String(repeating: "[", count: depth) + String(repeating: "]", count: depth)))
        case 6:
            return command(initiate(requestID, replacing: "requestId", with: "5"))
        case 7:
            return command(initiate(requestID, replacing: ["actor", "target", "reason", "clientIp"][index / 20 % 4]))
        case 8:
            return command(initiate(requestID), type: "connectas.command.Explode.v1")
        case 9:
            return command(initiate(requestID), type: "connectas.command.InitiateSession.v7")
        case 10:
            return command(initiate(requestID), extra: #""type":"platform.org.v1","#)
        case 11:
            return command(initiate(requestID, badString: "nul\u{0}inside", at: index / 20))
        case 12:
            return command(initiate(requestID, badString: oneMegabyte, at: index / 20 + 3))
        case 13:
            let payload = shellPayloads[index / 20 % shellPayloads.count]
            return command(initiate(requestID, replacing: "target", with: #"{"login":"# + json(payload) + "}"))
        case 14:
            let payload = shellPayloads[index / 20 % shellPayloads.count]
            return command(initiate(requestID, replacing: "reason", with: json("Because " + payload + " \u{0}\u{7}")))
        case 15:
            let search = shellPayloads[index / 20 % shellPayloads.count] + String(repeating: "s", count: 200)
            return command(
                object([
                    ("requestId", json(requestID)), ("orgId", json("hostile-org")),
                    ("environmentId", json("hostile-env")),
                    ("actor", #"{"platformUserId":"mallory","email":"mallory@attacker.example"}"#),
                    ("search", json(search)),
                ]), type: ListUsers.eventType.rawValue)
        case 16:
            return command(
                object([
                    ("requestId", json(requestID)), ("orgId", json("hostile-org")),
                    ("environmentId", json("hostile-env")), ("sessionId", json("../../etc/passwd")),
                    ("actor", #"{"platformUserId":"mallory","email":"mallory@attacker.example"}"#),
                ]), type: EndSession.eventType.rawValue)
        case 17:
            let id = shellPayloads[index / 20 % shellPayloads.count]
            return Bad(
                topic: topic, key: "hostile-env",
                value: Array(envelope(type: initiateType, requestID: id, data: initiate(id)).utf8), requestID: nil)
        case 18:
            return command(initiate(requestID, replacing: "clientIp", with: json("<script>alert(1)</script>")))
        default:
            // Well formed but an hour old: a replay, refused as command_expired.
            return command(initiate(requestID), time: Date().addingTimeInterval(-3600))
        }
    }

    static func badState(_ index: Int, topic: String) -> Bad {
        let key = "hostile-state-\(index)"
        let type = topic.hasSuffix(DefaultTopic.orgs)
            ? "platform.org.v1" : topic.hasSuffix(DefaultTopic.members) ? "platform.member.v1" : "platform.environment.v1"
        func record(_ data: String, type: String = type, extra: String = "") -> Bad {
            Bad(topic: topic, key: key, value: Array(envelope(type: type, requestID: key, data: data, extra: extra).utf8))
        }
        let org = #"{"orgId":"# + json(key)
            + #","plan":"starter","notifications":{"channels":["email"],"language":"en"},"policy":{"protectAdministrators":true,"maxSessionDurationSeconds":3600}}"#
        switch index % 8 {
        case 0:
            let bytes = (0..<Int.random(in: 1...300)).map { _ in UInt8.random(in: 0...255) }
            return Bad(topic: topic, key: key, value: bytes)
        case 1: return Bad(topic: topic, key: key, value: Array(org.utf8.prefix(40)))
        case 2: return record(String(repeating: "{\"a\":", count: 5_000) + "1" + String(repeating: "}", count: 5_000))
        case 3: return record(org, extra: #""type":"platform.org.v1","#)
        case 4: return record(#"{"orgId":7,"plan":["starter"]}"#)
        case 5: return record(org, type: "platform.galaxy.v1")
        case 6: return record(org.replacingOccurrences(of: json(key), with: json(key + "\u{0}")))
        default: return record(org.replacingOccurrences(of: json(key), with: json(oneMegabyte)))
        }
    }
}
