import ConnectAsPostgres
import ConnectAsSchema
import Foundation
import Testing
import TestSupport

@testable import AuditWriter

/// DESIGN.md section 4, the audit nobody can rewrite unseen: a superuser who rewrites records *and* the chain head
/// (and the session view) leaves a database consistent with itself, and who cuts records off the end moves the head
/// back; the signed checkpoints on their own topic catch both (`connectas audit verify`).
@Suite(.serialized)
struct AuditAnchorTests {
    let harness = AuditWriterTests()

    @Test func anUntouchedAuditVerifiesAgainstItsCheckpoints() async throws {
        try await harness.withAuditWriter { service, database, topics in
            let session = try await recordSession(service, topics)
            let checkpoint = try await service.postJSON("/v1/checkpoints", as: AuditCheckpoint.self)
            // The four records and the reads of the API made so far (each one a record too).
            #expect(checkpoint.seq >= 4)
            // Asked again with the head where it was: the same checkpoint, not a second one.
            #expect(try await service.postJSON("/v1/checkpoints", as: AuditCheckpoint.self) == checkpoint)
            let signature = AuditCheckpointSignature(
                key: try AuditCheckpointKey(file: try HarnessCheckpointKey.file(), key: "test"))
            #expect(signature.isValid(checkpoint))
            var forged = checkpoint
            forged.seq = 3
            #expect(!signature.isValid(forged))

            let (status, output) = try await verify(database, topics)
            #expect(status == 0, "\(output)")
            #expect(output.contains("intact") && output.contains("checkpoints checked: 1 of 1"), "\(output)")
            #expect(output.contains("session rows rebuilt and compared: 1"), "\(output)")
            _ = session
        }
    }

    @Test func aRewriteOfRecordsHeadAndViewTogetherIsCaught() async throws {
        try await harness.withAuditWriter { service, database, topics in
            let session = try await recordSession(service, topics)
            let checkpoint = try await service.postJSON("/v1/checkpoints", as: AuditCheckpoint.self)

            // The insider changes the reason of the first record and recomputes every hash after it, the head and
            // the view row: the database agrees with itself.
            try await rewrite(
                database, eventID: "\(session.sessionID)-approved", replacing: session.reason, with: "Routine check")
            try await database.pool.query(
                "UPDATE audit_writer.audit_sessions SET reason = 'Routine check' WHERE session_id = $1",
                session.sessionID)
            let local = try await service.getJSON("/v1/verify", as: AuditVerificationAnswer.self)
            #expect(local.intact, "the rewrite was meant to be self-consistent: \(String(describing: local.firstBroken))")

            let (status, output) = try await verify(database, topics)
            #expect(status == 1, "\(output)")
            #expect(
                output.contains("BROKEN at record \(checkpoint.seq)") && output.contains("was rewritten"), "\(output)")
        }
    }

    @Test func recordsCutOffTheEndAreCaught() async throws {
        try await harness.withAuditWriter { service, database, topics in
            _ = try await recordSession(service, topics)
            let checkpoint = try await service.postJSON("/v1/checkpoints", as: AuditCheckpoint.self)

            // The last records go, and the head is moved back to the one before.
            try await database.pool.transaction(isolation: .readCommitted) { connection in
                try await connection.query("LOCK TABLE audit_writer.audit_chain_head IN EXCLUSIVE MODE")
                try await connection.query("SET LOCAL session_replication_role = replica")
                try await connection.query("DELETE FROM audit_writer.audit_events WHERE seq > 2")
                try await connection.query(
                    """
                    UPDATE audit_writer.audit_chain_head
                    SET seq = 2, hash = (SELECT hash FROM audit_writer.audit_events WHERE seq = 2)
                    """)
            }
            let (status, output) = try await verify(database, topics)
            #expect(status == 1, "\(output)")
            // Found at the record the checkpoint attests: missing, or (when audit-writer has appended that many
            // records again since) not the one that was signed.
            #expect(
                output.contains("BROKEN at record \(checkpoint.seq)")
                    && (output.contains("removed from the end") || output.contains("was rewritten")),
                "\(output)")
        }
    }

    @Test func aColumnOrAViewRowEditedAloneIsCaughtByTheDatabaseCheck() async throws {
        try await harness.withAuditWriter { service, database, topics in
            let session = try await recordSession(service, topics)
            try await database.pool.transaction(isolation: .readCommitted) { connection in
                try await connection.query("SET LOCAL session_replication_role = replica")
                try await connection.query(
                    "UPDATE audit_writer.audit_events SET actor_email = 'someone@else.example' WHERE event_id = $1",
                    "\(session.sessionID)-link")
            }
            let linkSeq = try await database.pool.query(
                "SELECT seq FROM audit_writer.audit_events WHERE event_id = $1", "\(session.sessionID)-link"
            ).scalar(as: Int64.self)
            var verification = try await service.getJSON("/v1/verify", as: AuditVerificationAnswer.self)
            #expect(verification.firstBroken?.seq == linkSeq)
            #expect(verification.firstBroken?.problem.contains("does not match its hash") == true)
            try await database.pool.transaction(isolation: .readCommitted) { connection in
                try await connection.query("SET LOCAL session_replication_role = replica")
                try await connection.query(
                    "UPDATE audit_writer.audit_events SET actor_email = $1 WHERE seq = $2", session.actor.email, linkSeq)
            }
            #expect(try await service.getJSON("/v1/verify", as: AuditVerificationAnswer.self).intact)

            try await database.pool.query(
                "UPDATE audit_writer.audit_sessions SET status = 'revoked' WHERE session_id = $1", session.sessionID)
            verification = try await service.getJSON("/v1/verify", as: AuditVerificationAnswer.self)
            #expect(!verification.intact)
            #expect(verification.firstBroken?.problem.contains("session view") == true, "\(verification)")
        }
    }

    // MARK: - Helpers

    /// Four records of one session (approved, link, redeemed, ended), all recorded.
    func recordSession(_ service: ServiceProcess, _ topics: HarnessTopics) async throws -> HarnessSession {
        let session = HarnessSession()
        try await topics.publish(session.approved, id: "\(session.sessionID)-approved")
        try await topics.publish(session.linkIssued(at: Date()), id: "\(session.sessionID)-link")
        try await topics.publish(session.redeemed, id: "\(session.sessionID)-redeemed")
        try await topics.publish(session.ended, id: "\(session.sessionID)-ended")
        let answer = try await harness.waitForStatus("ended", session.sessionID, service)
        #expect(answer.events.count == 4)
        return session
    }

    /// As a superuser with triggers off: replaces text in record `seq`'s event and recomputes every hash from it on,
    /// and the head, exactly as audit-writer would have.
    func rewrite(_ database: HarnessDatabase, eventID: String, replacing old: String, with new: String) async throws {
        try await database.pool.transaction(isolation: .readCommitted) { connection in
            // Appends wait behind the head: the insider rewrites a chain that stands still.
            try await connection.query("LOCK TABLE audit_writer.audit_chain_head IN EXCLUSIVE MODE")
            try await connection.query("SET LOCAL session_replication_role = replica")
            let seq = try await connection.query(
                "SELECT seq FROM audit_writer.audit_events WHERE event_id = $1", eventID
            ).scalar(as: Int64.self)
            let rows = try await connection.query(
                "SELECT \(AuditVerifier.storedColumns) FROM audit_writer.audit_events ORDER BY seq")
            var previous = AuditChain.genesis
            for row in rows {
                var record = try AuditVerifier.storedRecord(row)
                if record.seq == seq {
                    #expect(record.canonical.contains(old))
                    record.canonical = record.canonical.replacingOccurrences(of: old, with: new)
                }
                let hash = AuditChain.hash(previous: previous, record: record)
                if record.seq >= seq {
                    try await connection.query(
                        "UPDATE audit_writer.audit_events SET canonical = $2, prev_hash = $3, hash = $4 WHERE seq = $1",
                        record.seq, record.canonical, previous, hash)
                }
                previous = hash
            }
            try await connection.query("UPDATE audit_writer.audit_chain_head SET hash = $1", previous)
        }
    }

    /// `connectas audit verify` as an auditor would run it: the read-only role, the checkpoint topic, the key.
    func verify(_ database: HarnessDatabase, _ topics: HarnessTopics) async throws -> (Int32, String) {
        let process = Process()
        process.executableURL = try ServiceProcess.binary("connectas")
        process.arguments = ["audit", "verify"]
        process.environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "CONNECTAS_KAFKA_BROKERS": try StackEnvironment.require("CONNECTAS_KAFKA_BROKERS"),
            "CONNECTAS_TOPICS_PREFIX": topics.prefix,
            "CONNECTAS_PG_AUDITOR_URL": try StackDatabase.auditorURL(database: database.name),
            "CONNECTAS_AUDIT_CHECKPOINT_KEY_FILE": try HarnessCheckpointKey.file(),
        ]
        let output = FileManager.default.temporaryDirectory
            .appendingPathComponent("audit-verify-\(UUID().uuidString.prefix(8)).log")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = ContinuousClock.now + .seconds(120)
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? handle.close()
        let text = FileManager.default.contents(atPath: output.path).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return (process.terminationStatus, text)
    }
}
