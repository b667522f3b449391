import ConnectAsPostgres
import ConnectAsSchema
import Crypto
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What must hold after a chaos run, each counted as violations over what it was checked on. Every figure is read
/// from what the suite itself shows: its topics, its databases, the audit API, the SMTP server's Maildir and the
/// Odoo stand-in's session store.
struct ChaosInvariants {
    struct Finding: Sendable {
        let name: String
        let checked: Int
        let violations: Int
        let example: String?
    }

    let outcomes: [ChaosLoad.Outcome]
    let seen: [ChaosRecorder.Seen]
    let undecodable: Int
    let org: String
    let topics: (events: String, replies: String, deadLetters: String)
    let postgres: PostgresPool
    let auditBase: String
    let maildir: URL
    let odooURL: String
    let sessionDirectory: URL
    let database: String
    let runStarted: Date

    func check() async throws -> [Finding] {
        let events = seen.filter { $0.topic == topics.events }.map(\.event)
        let replies = seen.filter { $0.topic == topics.replies }.map(\.event)
        let initiations = outcomes.map(\.requestID)
        let sessions = outcomes.compactMap(\.sessionID)
        let redeemed = outcomes.filter { $0.sessionID != nil && $0.problem == nil }
        var findings: [Finding] = []

        let problems = outcomes.filter { $0.problem != nil }
        findings.append(
            Finding(
                name: "initiations without a link, a redeem or a close acknowledged", checked: outcomes.count,
                violations: problems.count, example: problems.first.map { "\($0.requestID): \($0.problem!)" }))

        let decisionTypes: Set<EventType> = [
            InitiateApproved.eventType, InitiateDenied.eventType, EndApproved.eventType, EndDenied.eventType,
            RevokeApproved.eventType, RevokeDenied.eventType,
        ]
        let decisions = distinctIDs(events.filter { decisionTypes.contains($0.type) }, by: \.correlationId)
        let commands = initiations + outcomes.compactMap(\.closeRequestID)
        findings.append(exactlyOne("decisions per command", commands, decisions))

        let linkSessions = Dictionary(grouping: replies.compactMap { reply -> (String, String)? in
            guard case .sessionLinkReply(let link) = reply.message else { return nil }
            return (link.requestId, link.sessionId)
        }, by: \.0).mapValues { Set($0.map(\.1)) }
        findings.append(exactlyOne("links (distinct session ids) per initiation", initiations, linkSessions))
        let issued = distinctIDs(events.filter { $0.type == SessionLinkIssued.eventType }, by: \.correlationId)
        findings.append(exactlyOne("SessionLinkIssued per initiation", initiations, issued))

        let redeems = distinctIDs(events.filter { $0.type == SessionRedeemed.eventType }, by: \.subject)
        findings.append(exactlyOne("redeems per session", redeemed.compactMap(\.sessionID), redeems))
        // The sign-in notice; a session that closed also gets one closing notice, counted by its own identity.
        let signIns = events.filter { event in
            guard case .notificationSent(let sent) = event.message else { return false }
            return sent.notifiedEventType == SessionRedeemed.eventType.rawValue
        }
        let notified = distinctIDs(signIns, by: \.subject)
        findings.append(exactlyOne("sign-in notices per redeemed session", redeemed.compactMap(\.sessionID), notified))
        findings.append(try mails(for: redeemed.compactMap(\.sessionID)))

        let eventIDs = Set(events.map(\.attributes.id))
        findings.append(try await audited(eventIDs))
        findings.append(try await auditStatuses(redeemed))
        findings.append(try await injectorAgrees(redeemed))
        findings.append(try await unknownOdooSessions(initiations))
        findings.append(try await chain())

        let letters = seen.filter { $0.topic == topics.deadLetters }
        findings.append(
            Finding(
                name: "dead letters (the run sends nothing bad)", checked: sessions.count, violations: letters.count,
                example: letters.first.flatMap { letter in
                    guard case .deadLetter(let dead) = letter.event.message else { return nil }
                    return "\(dead.service) \(dead.errorCode): \(dead.reason)"
                }))
        findings.append(Finding(name: "undecodable records on the run's topics", checked: seen.count, violations: undecodable, example: nil))
        return findings
    }

    private func distinctIDs(_ events: [DecodedEvent], by key: KeyPath<EnvelopeAttributes, String?>)
        -> [String: Set<String>]
    {
        var result: [String: Set<String>] = [:]
        for event in events {
            guard let value = event.attributes[keyPath: key] else { continue }
            result[value, default: []].insert(event.attributes.id)
        }
        return result
    }

    private func exactlyOne(_ name: String, _ keys: [String], _ values: [String: Set<String>]) -> Finding {
        let bad = keys.filter { (values[$0]?.count ?? 0) != 1 }
        return Finding(
            name: name, checked: keys.count, violations: bad.count,
            example: bad.first.map { "\($0): \(values[$0]?.count ?? 0)" })
    }

    /// E-mail is at-least-once: a resend after a kill carries the same Message-ID, which receivers deduplicate.
    private func mails(for sessions: [String]) throws -> Finding {
        let directory = maildir.appendingPathComponent("new")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var messageIDs: [String: Set<String>] = [:]
        var total = 0
        let wanted = Set(sessions)
        for name in names {
            let url = directory.appendingPathComponent(name)
            // The sign-in notice's Message-ID names its notice (`<session>:session_redeemed:email`, escaped).
            guard let raw = try? String(contentsOf: url, encoding: .utf8), raw.contains("=3Asession_redeemed=3A"),
                let session = wanted.first(where: { raw.contains($0) })
            else { continue }
            total += 1
            let header = raw.split(separator: "\n").first { $0.lowercased().hasPrefix("message-id:") }
            // A message without a Message-ID cannot be deduplicated by its receiver: it counts as one more.
            messageIDs[session, default: []].insert(
                header.map { String($0.dropFirst(11)).trimmingCharacters(in: .whitespacesAndNewlines) }
                    ?? "missing in \(name)")
        }
        let bad = sessions.filter { (messageIDs[$0]?.count ?? 0) != 1 }
        return Finding(
            name: "sign-in e-mails per redeemed session (distinct Message-IDs; \(total) messages in all)",
            checked: sessions.count, violations: bad.count,
            example: bad.first.map { "\($0): \(messageIDs[$0]?.count ?? 0) Message-IDs" })
    }

    /// Every event the suite published is in the audit, once (the table's unique event id makes more than once
    /// impossible, so what is counted is presence).
    private func audited(_ eventIDs: Set<String>) async throws -> Finding {
        let ids = try String(decoding: JSONEncoder().encode(Array(eventIDs)), as: UTF8.self)
        let rows = try await postgres.query(
            "SELECT event_id FROM audit_writer.audit_events WHERE event_id IN (SELECT jsonb_array_elements_text($1::jsonb))", ids)
        let stored = Set(try rows.map { try $0.decode("event_id", as: String.self) })
        let missing = eventIDs.subtracting(stored)
        return Finding(
            name: "events published but not in the audit", checked: eventIDs.count, violations: missing.count,
            example: missing.first)
    }

    /// The audit's view of each session ends where the platform left it.
    private func auditStatuses(_ redeemed: [ChaosLoad.Outcome]) async throws -> Finding {
        let rows = try await postgres.query("SELECT session_id, status FROM audit_writer.audit_sessions WHERE org_id = $1", org)
        var status: [String: String] = [:]
        for row in rows { status[try row.decode("session_id", as: String.self)] = try row.decode("status", as: String.self) }
        let bad = redeemed.filter { status[$0.sessionID!] != Self.expectedStatus($0.close) }
        return Finding(
            name: "audit session status not what the platform did", checked: redeemed.count, violations: bad.count,
            example: bad.first.map { "\($0.sessionID!): \(status[$0.sessionID!] ?? "absent"), expected \(Self.expectedStatus($0.close))" })
    }

    static func expectedStatus(_ close: ChaosLoad.Outcome.Close) -> String {
        switch close {
        case .none: "redeemed"
        case .end: "ended"
        case .revoke: "revoked"
        }
    }

    /// session-injector's record and Odoo agree: a session it holds as redeemed is accepted by Odoo, an ended or
    /// revoked one is refused (the browser's cookie tried against the stand-in's `/web`).
    private func injectorAgrees(_ redeemed: [ChaosLoad.Outcome]) async throws -> Finding {
        let rows = try await postgres.query("SELECT request_id, status FROM session_injector.sessions WHERE org_id = $1", org)
        var status: [String: String] = [:]
        for row in rows { status[try row.decode("request_id", as: String.self)] = try row.decode("status", as: String.self) }
        var bad: [String] = []
        var checked = 0
        for outcome in redeemed {
            let recorded = status[outcome.requestID] ?? "absent"
            guard recorded == Self.expectedStatus(outcome.close) else {
                bad.append("\(outcome.requestID): injector says \(recorded), expected \(Self.expectedStatus(outcome.close))")
                continue
            }
            guard let cookie = outcome.cookie else { continue }
            checked += 1
            // 200: Odoo takes the cookie; 303 to the login page: it refuses it. Anything else is no answer at all.
            let (code, _) = try ChaosLoad.get(URL(string: "\(odooURL)/web")!, cookie: cookie)
            if code != (recorded == "redeemed" ? 200 : 303) {
                bad.append("\(outcome.requestID): injector says \(recorded), Odoo answers \(code)")
            }
        }
        return Finding(
            name: "sessions where session-injector and Odoo disagree (\(checked) cookies tried)",
            checked: redeemed.count, violations: bad.count, example: bad.first)
    }

    /// Session files the run created in Odoo that no request's index names: sessions nobody can end.
    private func unknownOdooSessions(_ requests: [String]) async throws -> Finding {
        let indexDirectory = sessionDirectory.appendingPathComponent("connectas")
        var known: Set<String> = []
        for request in requests {
            let key = SHA256.hash(data: Data("\(database)\n\(request)".utf8)).map { String(format: "%02x", $0) }.joined()
            if let sid = try? String(contentsOf: indexDirectory.appendingPathComponent(key), encoding: .utf8) {
                known.insert(sid.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
        var unknown: [String] = []
        let manager = FileManager.default
        guard manager.fileExists(atPath: sessionDirectory.path) else {
            return Finding(
                name: "Odoo sessions created during the run that no request's index names", checked: 0, violations: 1,
                example: "\(sessionDirectory.path) does not exist")
        }
        for bucket in (try? manager.contentsOfDirectory(atPath: sessionDirectory.path)) ?? [] where bucket.count == 2 {
            let folder = sessionDirectory.appendingPathComponent(bucket)
            for name in (try? manager.contentsOfDirectory(atPath: folder.path)) ?? [] {
                let path = folder.appendingPathComponent(name).path
                guard let modified = (try? manager.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                    modified >= runStarted, !known.contains(name)
                else { continue }
                unknown.append(String(name.prefix(6)) + "…")
            }
        }
        return Finding(
            name: "Odoo sessions created during the run that no request's index names",
            checked: known.count, violations: unknown.count, example: unknown.first)
    }

    private func chain() async throws -> Finding {
        let (data, response) = try await URLSession.shared.data(
            for: try AuditAddress.authorized(URL(string: "\(auditBase)/v1/verify")!, method: "GET"))
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        let intact = (response as? HTTPURLResponse)?.statusCode == 200 && object["intact"] as? Bool == true
        return Finding(
            name: "audit hash chain verified", checked: 1, violations: intact ? 0 : 1,
            example: intact ? nil : String(decoding: data.prefix(300), as: UTF8.self))
    }
}
