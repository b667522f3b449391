import ConnectAsPostgres
import ConnectAsSchema
import Foundation
import Testing

/// The real `policy-service` executable against the local stack's PostgreSQL and Kafka, one fresh database and
/// topic set and consumer group per test. Serialized, so that the rate-limit tests' clocks and the machine's load
/// stay predictable.
@Suite("policy-service", .serialized, .timeLimit(.minutes(3)))
struct PolicyServiceTests {
    typealias F = PolicyFixtures

    @Test("state records are stored, replaced by newer ones, and deleted by tombstones")
    func stateCopy() async throws {
        try await PolicyServiceRun.with { run in
            try await run.publishState(F.org, F.members, F.environments)
            let stored = try await run.database.query(
                "SELECT record FROM policy_service.environments WHERE environment_id = $1", F.environmentId
            ).scalar(as: PostgresJSON.self).decode(EnvironmentState.self)
            #expect(stored == F.environment())

            // A newer record replaces the older one.
            try await run.publish(F.environment(status: .stopped))
            try await PolicyServiceRun.waitUntil("the environment is stopped") {
                try await run.count(
                    "SELECT count(*) FROM policy_service.environments WHERE environment_id = $1 AND status = 'stopped'",
                    F.environmentId) == 1
            }

            // Tombstones delete by Kafka key.
            try await run.send(nil, key: F.viewer.partitionKey, topic: run.topics.members)
            try await run.send(nil, key: F.otherEnvironmentId, topic: run.topics.environments)
            try await PolicyServiceRun.waitUntil("the tombstones are applied") {
                let members = try await run.count(
                    "SELECT count(*) FROM policy_service.members WHERE member_key = $1", F.viewer.partitionKey)
                let environments = try await run.count(
                    "SELECT count(*) FROM policy_service.environments WHERE environment_id = $1", F.otherEnvironmentId)
                return members == 0 && environments == 0
            }
            #expect(try await run.count("SELECT count(*) FROM policy_service.members") == 3)

            // Decisions follow the copy: the deleted environment is unknown, the stopped one not running.
            let onDeleted = F.initiate(environmentId: F.otherEnvironmentId)
            try await run.publish(onDeleted)
            #expect(try await run.decision(for: onDeleted.requestId).policyDenialCode == .environmentUnknown)
            let onStopped = F.initiate()
            try await run.publish(onStopped)
            #expect(try await run.decision(for: onStopped.requestId).policyDenialCode == .environmentNotRunning)
        }
    }

    @Test("an approved initiation publishes InitiateApproved with the state's snapshot, settings and actor")
    func approvedInitiation() async throws {
        try await PolicyServiceRun.with { run in
            try await run.publishState(F.org, F.members, F.environments)
            let command = F.initiate(
                reason: "  Reproducing ticket #4521 for the customer \n", claimedEmail: "someone-else@example.com")
            try await run.publish(command)

            let event = try await run.decision(for: command.requestId)
            guard case .initiateApproved(let approved) = event.message else {
                Issue.record("expected InitiateApproved, got \(event.type)")
                return
            }
            #expect(event.attributes.id == "policy-service/initiate_session/\(command.requestId)/decision")
            #expect(event.attributes.subject == approved.sessionId)
            #expect(!approved.sessionId.isEmpty)
            #expect(approved.actor == PlatformActor(platformUserId: "user-admin", email: "user-admin@platform.example"))
            #expect(approved.actorRole == .admin)
            #expect(approved.environment == F.environment().snapshot)
            #expect(approved.notifications == F.org.notifications)
            #expect(approved.maxSessionDurationSeconds == 1800)
            #expect(approved.protectAdministrators)
            #expect(approved.reason == "Reproducing ticket #4521 for the customer")
            #expect(approved.target == .login("sam"))
            let records = run.output.matching { $0.event?.attributes.id == event.attributes.id }
            let record = try #require(records.first)
            #expect(record.key == F.environmentId)

            #expect(
                try await run.count(
                    "SELECT count(*) FROM policy_service.initiations WHERE session_id = $1 AND client_ip = $2",
                    approved.sessionId, command.clientIp) == 1)
            // An approval has no reply from policy-service: the injector answers with the link. The only replies
            // are the StateApplied of the three state records the test published.
            try await Task.sleep(for: .seconds(1))
            let replies = run.output.matching { $0.topic == run.topics.replies }
            #expect(replies.allSatisfy { if case .stateApplied = $0.event?.message { true } else { false } })
            #expect(!replies.contains { $0.key == command.requestId })
        }
    }

    @Test("a denied initiation publishes InitiateDenied and a RequestDeniedReply keyed by the request")
    func deniedInitiation() async throws {
        try await PolicyServiceRun.with { run in
            try await run.publishState(F.org, F.members, F.environments)
            let command = F.initiate(reason: " too short ")
            try await run.publish(command)

            let event = try await run.decision(for: command.requestId)
            guard case .initiateDenied(let denied) = event.message else {
                Issue.record("expected InitiateDenied, got \(event.type)")
                return
            }
            #expect(denied.code == .reasonTooShort)
            #expect(denied.reason == command.reason)
            #expect(denied.clientIp == command.clientIp)

            let reply = try await run.reply(for: command.requestId)
            guard case .requestDeniedReply(let denial) = reply.event?.message else {
                Issue.record("expected RequestDeniedReply, got \(String(describing: reply.event?.type))")
                return
            }
            #expect(denial.command == .initiateSession)
            #expect(denial.code == .reasonTooShort)
            #expect(denial.environmentId == F.environmentId)
            #expect(reply.event?.attributes.id == "policy-service/initiate_session/\(command.requestId)/denied-reply")
            #expect(try await run.count("SELECT count(*) FROM policy_service.initiations") == 0)
        }
    }

    @Test("a command claiming a role, permissions or another member's e-mail gains nothing")
    func claimsAreIgnored() async throws {
        try await PolicyServiceRun.with { run in
            let ownerElsewhere = F.member("user-outsider", .owner, orgId: "org-other")
            try await run.publishState(F.org, F.members + [ownerElsewhere], F.environments)

            // A viewer's command dressed up as an owner's: role and permission fields, the owner's e-mail.
            let viewerCommand = F.initiate(by: F.viewer, claimedEmail: F.owner.email)
            try await run.send(
                Self.withClaims(try EventCodec.encode(CloudEvent(viewerCommand, source: "/platform/tests"))),
                key: F.environmentId, topic: run.topics.commands)
            #expect(try await run.decision(for: viewerCommand.requestId).policyDenialCode == .permissionDenied)

            // Someone who is an owner of another org, and someone unknown with the owner's e-mail.
            let outsider = F.initiate(by: ownerElsewhere, claimedEmail: F.owner.email)
            try await run.publish(outsider)
            #expect(try await run.decision(for: outsider.requestId).policyDenialCode == .notAMember)
            let stranger = F.initiate(by: F.member("user-nobody", .owner), claimedEmail: F.owner.email)
            try await run.publish(stranger)
            #expect(try await run.decision(for: stranger.requestId).policyDenialCode == .notAMember)
            #expect(try await run.count("SELECT count(*) FROM policy_service.initiations") == 0)
        }
    }

    @Test("a command delivered twice, or re-published under a new event id, is decided once")
    func duplicateDelivery() async throws {
        try await PolicyServiceRun.with { run in
            try await run.publishState(F.org, F.members, F.environments)
            let command = F.initiate()
            let bytes = try await run.publish(command)
            try await run.send(bytes, key: F.environmentId, topic: run.topics.commands)
            try await run.publish(command)
            // Same key, same partition: once the next command is decided, the copies before it were handled.
            let next = F.initiate(clientIp: "198.51.100.11")
            try await run.publish(next)
            _ = try await run.decision(for: next.requestId)
            try await Task.sleep(for: .seconds(1))

            let decisions = run.output.matching {
                $0.topic == run.topics.events && $0.event?.attributes.correlationId == command.requestId
            }
            #expect(decisions.count == 1)
            #expect(decisions.first?.event?.type == InitiateApproved.eventType)
            #expect(
                try await run.count(
                    "SELECT count(*) FROM policy_service.initiations WHERE request_id = $1", command.requestId) == 1)
            #expect(try await run.count("SELECT count(*) FROM policy_service.decisions") == 2)
        }
    }

    @Test("the fourth initiation within a minute on one environment is refused with retry-after")
    func environmentRateLimit() async throws {
        try await PolicyServiceRun.with { run in
            try await run.publishState(F.org, F.members, F.environments)
            // Different client IPs, so only the environment's window can be what refuses.
            let commands = (1...4).map { F.initiate(clientIp: "198.51.100.\(20 + $0)") }
            for command in commands { try await run.publish(command) }
            var types: [EventType] = []
            for command in commands { types.append(try await run.decision(for: command.requestId).type) }
            #expect(types == Array(repeating: InitiateApproved.eventType, count: 3) + [InitiateDenied.eventType])

            guard case .initiateDenied(let denied) = try await run.decision(for: commands[3].requestId).message else {
                return
            }
            #expect(denied.code == .rateLimitedEnvironment)
            #expect((1...60).contains(denied.retryAfterSeconds ?? 0))
            let reply = try await run.reply(for: commands[3].requestId)
            guard case .requestDeniedReply(let denial) = reply.event?.message else {
                Issue.record("expected RequestDeniedReply")
                return
            }
            #expect(denial.code == .rateLimitedEnvironment)
            #expect(denial.retryAfterSeconds == denied.retryAfterSeconds)

            // The other environment has its own window.
            let elsewhere = F.initiate(environmentId: F.otherEnvironmentId, clientIp: "198.51.100.30")
            try await run.publish(elsewhere)
            #expect(try await run.decision(for: elsewhere.requestId).type == InitiateApproved.eventType)
        }
    }

    @Test("the client IP's hourly limit is exact across two replicas deciding at once")
    func clientIpRateLimitAcrossReplicas() async throws {
        try await PolicyServiceRun.with { run in
            // Ten environments spread over the commands topic's partitions, so both replicas get some of them.
            let environments = (0..<10).map { F.environment("env-\($0)") }
            try await run.publishState(F.org, F.members, environments)
            try await run.startReplica()
            let commands = environments.map { F.initiate(environmentId: $0.environmentId, clientIp: "192.0.2.77") }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for command in commands { group.addTask { try await run.publish(command) } }
                try await group.waitForAll()
            }
            var codes: [DenialCode?] = []
            for command in commands { codes.append(try await run.decision(for: command.requestId).policyDenialCode) }
            #expect(codes.filter { $0 == nil }.count == 5)
            #expect(codes.filter { $0 == .rateLimitedClientIp }.count == 5)
            #expect(
                try await run.count(
                    "SELECT count(*) FROM policy_service.initiations WHERE client_ip = '192.0.2.77'") == 5)
        }
    }

    @Test("a malformed command goes to the dead-letter topic with the reason, and the next one is decided")
    func malformedCommand() async throws {
        try await PolicyServiceRun.with { run in
            try await run.publishState(F.org, F.members, F.environments)
            let garbage = Data("this is not a CloudEvent".utf8)
            try await run.send(garbage, key: F.environmentId, topic: run.topics.commands)
            // A well-formed envelope whose command lacks its reason.
            let valid = F.initiate()
            var object = try #require(
                try JSONSerialization.jsonObject(
                    with: EventCodec.encode(CloudEvent(valid, source: "/platform/tests"))) as? [String: Any])
            var data = try #require(object["data"] as? [String: Any])
            data["reason"] = nil
            object["data"] = data
            let incomplete = try JSONSerialization.data(withJSONObject: object)
            try await run.send(incomplete, key: F.environmentId, topic: run.topics.commands)
            // A state record filed under the wrong key.
            try await run.publish(F.environment("env-misfiled"), topic: run.topics.environments)
            let misfiled = try EventCodec.encode(
                CloudEvent(F.environment("env-misfiled"), source: "/platform/tests"))
            try await run.send(misfiled, key: "env-another-key", topic: run.topics.environments)

            let good = F.initiate()
            try await run.publish(good)
            #expect(try await run.decision(for: good.requestId).type == InitiateApproved.eventType)

            var letters: [DeadLetter] = []
            try await PolicyServiceRun.waitUntil("two dead letters arrive") {
                letters = run.output.matching { $0.topic == run.topics.deadLetters }.compactMap {
                    if case .deadLetter(let letter) = $0.event?.message { letter } else { nil }
                }
                return letters.count >= 2
            }
            let notJSON = try #require(letters.first { $0.payload == garbage })
            #expect(notJSON.originalTopic == run.topics.commands)
            #expect(notJSON.errorCode.hasPrefix("schema."))
            #expect(!notJSON.reason.isEmpty)
            #expect(notJSON.service == "policy-service")
            // The command that lacks its reason names its request: it is answered, not dead-lettered.
            #expect(!letters.contains { $0.payload == incomplete })
            var refusals: [RequestDeniedReply] = []
            try await PolicyServiceRun.waitUntil("the incomplete command is refused") {
                refusals = run.output.matching { $0.topic == run.topics.replies }.compactMap {
                    if case .requestDeniedReply(let reply) = $0.event?.message, reply.requestId == valid.requestId {
                        reply
                    } else { nil }
                }
                return !refusals.isEmpty
            }
            #expect(refusals.count == 1)
            #expect(refusals.first?.code == .invalidRequest)
            #expect(refusals.first?.field == "data.reason")
            #expect(refusals.first?.command == .initiateSession)
            let wrongKey = try #require(letters.first { $0.payload == misfiled })
            #expect(wrongKey.errorCode == "policy.state_key_mismatch")
            #expect(
                try await run.count(
                    "SELECT count(*) FROM policy_service.environments WHERE environment_id = 'env-misfiled'") == 1)
        }
    }

    @Test("revoke, end and list users are decided from state, with a reply on every denial")
    func sessionCommands() async throws {
        try await PolicyServiceRun.with { run in
            try await run.publishState(F.org, F.members, F.environments)
            let initiation = F.initiate()
            try await run.publish(initiation)
            guard case .initiateApproved(let approved) = try await run.decision(for: initiation.requestId).message
            else {
                Issue.record("the initiation was not approved")
                return
            }
            let session = approved.sessionId
            func revoke(_ member: MemberState, session: String = session, environment: String = F.environmentId)
                -> RevokeSession
            {
                RevokeSession(
                    requestId: "revoke-\(UUID().uuidString.prefix(8))", orgId: F.orgId, environmentId: environment,
                    sessionId: session, actor: F.actor(member), reason: "customer asked")
            }

            let byViewer = revoke(F.viewer)
            try await run.publish(byViewer)
            #expect(try await run.decision(for: byViewer.requestId).policyDenialCode == .permissionDenied)
            let reply = try await run.reply(for: byViewer.requestId)
            if case .requestDeniedReply(let denial) = reply.event?.message {
                #expect(denial.command == .revokeSession)
                #expect(denial.sessionId == session)
            } else {
                Issue.record("expected RequestDeniedReply")
            }
            let elsewhere = revoke(F.owner, environment: F.otherEnvironmentId)
            try await run.publish(elsewhere)
            #expect(try await run.decision(for: elsewhere.requestId).policyDenialCode == .sessionNotFound)
            let byOwner = revoke(F.owner)
            try await run.publish(byOwner)
            let revoked = try await run.decision(for: byOwner.requestId)
            #expect(revoked.type == RevokeApproved.eventType)

            let endByDeveloper = EndSession(
                requestId: "end-1", orgId: F.orgId, environmentId: F.environmentId, sessionId: session,
                actor: F.actor(F.developer))
            try await run.publish(endByDeveloper)
            #expect(try await run.decision(for: "end-1").policyDenialCode == .permissionDenied)
            let endByInitiator = EndSession(
                requestId: "end-2", orgId: F.orgId, environmentId: F.environmentId, sessionId: session,
                actor: F.actor(F.admin))
            try await run.publish(endByInitiator)
            #expect(try await run.decision(for: "end-2").type == EndApproved.eventType)

            let listByDeveloper = ListUsers(
                requestId: "list-1", orgId: F.orgId, environmentId: F.environmentId, actor: F.actor(F.developer))
            try await run.publish(listByDeveloper)
            #expect(try await run.decision(for: "list-1").type == ListUsersApproved.eventType)
            let listByViewer = ListUsers(
                requestId: "list-2", orgId: F.orgId, environmentId: F.environmentId, actor: F.actor(F.viewer))
            try await run.publish(listByViewer)
            #expect(try await run.decision(for: "list-2").policyDenialCode == .permissionDenied)
            _ = try await run.reply(for: "list-2")
        }
    }

    /// The command's JSON with fields a forged command might add; the schema ignores unknown fields, and nothing
    /// in them may count.
    static func withClaims(_ bytes: Data) throws -> Data {
        guard var object = try JSONSerialization.jsonObject(with: bytes) as? [String: Any],
            var data = object["data"] as? [String: Any], var actor = data["actor"] as? [String: Any]
        else { throw PolicyTestFailure("not a CloudEvent") }
        actor["role"] = "owner"
        data["actor"] = actor
        data["actorRole"] = "owner"
        data["role"] = "owner"
        data["permissions"] = Permission.allCases.map(\.rawValue)
        object["data"] = data
        return try JSONSerialization.data(withJSONObject: object)
    }
}

extension DecodedEvent {
    /// The denial code of a decision, nil for an approval.
    var policyDenialCode: DenialCode? {
        switch message {
        case .initiateDenied(let denied): denied.code
        case .revokeDenied(let denied): denied.code
        case .endDenied(let denied): denied.code
        case .listUsersDenied(let denied): denied.code
        default: nil
        }
    }
}
