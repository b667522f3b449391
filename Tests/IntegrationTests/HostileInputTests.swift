import ConnectAsKafka
import ConnectAsPostgres
import ConnectAsSchema
import Foundation
import Logging

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Testing
import TestSupport

/// An attacker who can publish to the command and platform topics, against the four services as real processes:
/// 10,000 bad records of every kind, then every service still alive and ready, each record answered exactly once
/// (a reply to its request or a dead letter at its position), every outbox empty, nothing the suite emitted
/// missing from the audit, and a normal session still working.
@Suite(.serialized) struct HostileInputTests {
    static let commandCount = 7_000
    static let stateCountPerTopic = 1_000

    /// One bad record: where it goes, its bytes, and the request id a reply to it would carry.
    struct Bad: Sendable {
        var topic: String
        var key: String?
        var value: [UInt8]?
        var requestID: String? = nil
    }

    @Test func tenThousandBadRecordsStopNothingAndLoseNothing() async throws {
        let harness = try await SuiteHarness.start()
        do {
            try await run(harness)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    func run(_ harness: SuiteHarness) async throws {
        let brokers = try StackEnvironment.require("CONNECTAS_KAFKA_BROKERS")
        var records = (0..<Self.commandCount).map { Self.badCommand($0, topic: harness.prefix + DefaultTopic.commands) }
        for topic in [DefaultTopic.orgs, DefaultTopic.members, DefaultTopic.environments] {
            records += (0..<Self.stateCountPerTopic).map { Self.badState($0, topic: harness.prefix + topic) }
        }
        // Large enough for the 5 MB records, which the suite's own producers would refuse to send.
        let producer = try await KafkaProducer.connect(
            configuration: KafkaProducerConfiguration(
                bootstrapServers: [brokers], properties: ["message.max.bytes": "16000000"]),
            logger: Logger(label: "hostile"))
        let started = ContinuousClock.now
        var positions: [String] = Array(repeating: "", count: records.count)
        try await withThrowingTaskGroup(of: (Int, String).self) { group in
            var next = 0
            for (index, record) in records.enumerated() {
                if next >= 200, let (done, position) = try await group.next() { positions[done] = position }
                next += 1
                group.addTask {
                    let report = try await producer.send(
                        topic: record.topic, key: record.key.map { Array($0.utf8) }, value: record.value)
                    return (index, "\(report.topic)/\(report.partition)/\(report.offset)")
                }
            }
            for try await (done, position) in group { positions[done] = position }
        }
        await producer.shutdown()
        let sent = ContinuousClock.now - started

        // Every record answered once: a reply to its request, or a dead letter naming its position.
        let expected = records.count
        var letters: [String: Int] = [:]
        var replies: [String: Int] = [:]
        var denialsOfInitiate = 0
        let consumer = try await KafkaConsumer.connect(
            configuration: KafkaConsumerConfiguration(
                bootstrapServers: [brokers], groupID: StackEnvironment.uniqueName("hostile-check"),
                topics: [harness.prefix + DefaultTopic.deadLetters, harness.prefix + DefaultTopic.replies],
                sessionTimeout: .seconds(6)),
            logger: Logger(label: "hostile"))
        // Stops the reading below if the answers stop coming, so that a lost answer fails the test, not hangs it.
        let watchdog = Task {
            try await Task.sleep(for: .seconds(300))
            consumer.stop()
        }
        defer { watchdog.cancel() }
        var answered = 0
        for try await message in consumer.messages {
            let event = try EventCodec.decode(message.value ?? [])
            switch event.message {
            case .deadLetter(let letter):
                letters["\(letter.originalTopic)/\(letter.partition)/\(letter.offset)", default: 0] += 1
                #expect(letter.service == "policy-service", "\(letter.service) dead-lettered \(letter.errorCode)")
            case .requestDeniedReply(let reply):
                replies[reply.requestId, default: 0] += 1
                if reply.command == .initiateSession && reply.code != .invalidRequest { denialsOfInitiate += 1 }
            default:
                Issue.record("unexpected \(event.type.rawValue)")
            }
            answered += 1
            if answered >= expected { break }
        }
        let drained = ContinuousClock.now - started
        await consumer.shutdown()
        print("hostile input: \(expected) records sent in \(sent), all answered after \(drained)")

        var missing = 0
        var twice = 0
        for (index, record) in records.enumerated() {
            let count = letters[positions[index], default: 0] + (record.requestID.map { replies[$0, default: 0] } ?? 0)
            if count == 0 { missing += 1 }
            if count > 1 { twice += 1 }
        }
        #expect(missing == 0, "\(missing) bad records got neither a reply nor a dead letter")
        #expect(twice == 0, "\(twice) bad records were answered more than once")
        #expect(!replies.isEmpty && !letters.isEmpty)

        // Every service alive and ready, every outbox empty, nothing parked.
        for service in SuiteHarness.services {
            let (data, response) = try await URLSession.shared.data(
                from: URL(string: "http://127.0.0.1:\(harness.ports[service]!)/health")!)
            #expect((response as? HTTPURLResponse)?.statusCode == 200, "\(service): \(String(decoding: data, as: UTF8.self))")
        }
        let pool = try PostgresPool(
            configuration: PostgresConfiguration(
                url: SuiteHarness.url(harness.adminURL, database: harness.database), maxConnections: 1),
            logger: Logger(label: "hostile"))
        defer { Task { await pool.close() } }
        var waiting = 0
        for _ in 0..<50 {
            waiting = try await Self.outboxRows(pool)
            if waiting == 0 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(waiting == 0, "outboxes still hold \(waiting) rows")
        for schema in Self.schemas {
            #expect(try await pool.query("SELECT count(*)::bigint FROM \(schema).outbox_parked").scalar(as: Int64.self) == 0)
        }

        // The audit holds every denial the suite emitted, NUL-bearing reasons included, and dead-lettered nothing.
        var audited: Int64 = 0
        for _ in 0..<100 {
            audited = try await pool.query(
                "SELECT count(*)::bigint FROM audit_writer.audit_events WHERE event_type = $1",
                InitiateDenied.eventType.rawValue
            ).scalar(as: Int64.self)
            if audited >= denialsOfInitiate { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(audited == denialsOfInitiate)
        #expect(
            try await pool.query(
                "SELECT count(*)::bigint FROM audit_writer.processed_messages WHERE message_type = 'dead-letter'"
            ).scalar(as: Int64.self) == 0)

        // And a normal session still works end to end.
        try await SessionLifeTests.seed(harness)
        let link = try await SessionLifeTests.initiate(harness)
        let redeemed = try CurlResponse.get(link.url.absoluteString)
        #expect(redeemed.status == 303)
        let cookie = try #require(redeemed.cookie("session_id"))
        let odoo = try CurlResponse.get("\(harness.odooURL)/web", cookie: "session_id=\(cookie)")
        #expect(odoo.status == 200)
    }

    @Test func anOutboxRowTheBrokerRefusesIsParkedAndTheRestFlows() async throws {
        let harness = try await SuiteHarness.start()
        do {
            let pool = try PostgresPool(
                configuration: PostgresConfiguration(
                    url: SuiteHarness.url(harness.adminURL, database: harness.database), maxConnections: 1),
                logger: Logger(label: "hostile"))
            let replies = harness.prefix + DefaultTopic.replies
            // Over the producer's limit (5 MB and just over 1 MB), and just under it; then a normal command.
            for (size, key) in [(5 * 1024 * 1024, "huge"), (1_000_001, "over"), (900_000, "under")] {
                try await pool.query(
                    """
                    INSERT INTO policy_service.outbox (topic, message_key, payload, event_id)
                    VALUES ($1, $2, $3, $4)
                    """, replies, key, Data(repeating: 0x61, count: size), "raw-\(key)")
            }
            try await SessionLifeTests.seed(harness)
            _ = try await SessionLifeTests.initiate(harness)
            var parked: Int64 = 0
            for _ in 0..<50 {
                parked = try await pool.query("SELECT count(*)::bigint FROM policy_service.outbox_parked")
                    .scalar(as: Int64.self)
                if parked == 2 { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(parked == 2)
            #expect(try await Self.outboxRows(pool) == 0)
            let (data, _) = try await URLSession.shared.data(
                from: URL(string: "http://127.0.0.1:\(harness.ports["policy-service"]!)/health")!)
            let health = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            #expect(health["degraded"] as? Bool == true)
            #expect(health["parkedOutboxRows"] as? Int == 2)
            await pool.close()
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    static let schemas = ["policy_service", "session_injector", "audit_writer", "notifier"]

    static func outboxRows(_ pool: PostgresPool) async throws -> Int {
        var total = 0
        for schema in schemas {
            total += Int(try await pool.query("SELECT count(*)::bigint FROM \(schema).outbox").scalar(as: Int64.self))
        }
        return total
    }
}
