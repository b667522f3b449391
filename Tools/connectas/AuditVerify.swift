import ArgumentParser
import AuditWriter
import ConnectAsKafka
import ConnectAsPostgres
import ConnectAsSchema
import Foundation
import Logging
import Synchronization

/// Recomputes the audit chain from the database (as a read-only role) and checks every signed checkpoint on the
/// checkpoint topic against it, so a rewrite that kept the database consistent with itself is still found.
struct AuditVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the audit chain in the database against the signed checkpoints on their topic.",
        discussion: "Exit status 0 when everything holds, 1 at the first divergence (printed).")

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "The audit database, as a role that may read it (default: CONNECTAS_PG_AUDITOR_URL).")
    var pgURL = ProcessInfo.processInfo.environment["CONNECTAS_PG_AUDITOR_URL"]
    @Option(help: "The checkpoint key's public half, base64 (connectas audit public-key prints it).")
    var publicKey: String?
    @Option(help: "Or the checkpoint key file itself (its public half is used).")
    var keyFile = ProcessInfo.processInfo.environment["CONNECTAS_AUDIT_CHECKPOINT_KEY_FILE"]
    @Option(help: "Seconds without a new checkpoint after which the topic is taken as read.")
    var idleSeconds = 3
    @Flag(help: "Print the outcome as JSON.") var json = false

    func run() async throws {
        guard let pgURL else { throw ValidationError("--pg-url (or CONNECTAS_PG_AUDITOR_URL) is required") }
        let signature = try Self.signature(publicKey: publicKey, keyFile: keyFile)
        let checkpoints = try await readCheckpoints()
        let pool = try PostgresPool(
            configuration: PostgresConfiguration(
                url: pgURL, maxConnections: 1, applicationName: "connectas audit verify", schema: "audit_writer"),
            logger: connection.logger)
        let outcome: AuditVerification
        do {
            outcome = try await AuditVerifier.verify(pool, checkpoints: checkpoints, signature: signature)
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(outcome), as: UTF8.self))
        } else {
            print(Self.summary(outcome, checkpointsOnTopic: checkpoints.count))
        }
        if !outcome.intact { throw ExitCode(1) }
    }

    static func summary(_ outcome: AuditVerification, checkpointsOnTopic: Int) -> String {
        var lines = [
            "records checked: \(outcome.checkedRecords) (head \(outcome.headSeq), \(outcome.headHash.prefix(16))…)",
            "checkpoints checked: \(outcome.checkedCheckpoints) of \(checkpointsOnTopic) on the topic",
            "session rows rebuilt and compared: \(outcome.checkedSessions)",
        ]
        if let broken = outcome.firstBroken {
            lines.append(
                "BROKEN at record \(broken.seq)\(broken.eventId.map { " (event \($0))" } ?? ""): \(broken.problem)")
        } else {
            lines.append("intact")
        }
        return lines.joined(separator: "\n")
    }

    static func signature(publicKey: String?, keyFile: String?) throws -> AuditCheckpointSignature {
        if let publicKey {
            do { return try AuditCheckpointSignature(publicKeyBase64: publicKey) } catch {
                throw ValidationError("--public-key is not the base64 of a 32-byte Ed25519 public key")
            }
        }
        guard let keyFile else {
            throw ValidationError("give --public-key, or --key-file (or CONNECTAS_AUDIT_CHECKPOINT_KEY_FILE)")
        }
        return AuditCheckpointSignature(key: try AuditCheckpointKey(file: keyFile, key: "--key-file"))
    }

    /// Every checkpoint on the topic, from its start until it has been quiet for `idleSeconds`; a record that is
    /// not a checkpoint is reported, since only audit-writer should write there.
    func readCheckpoints() async throws -> [ConnectAsSchema.AuditCheckpoint] {
        let consumer = try await KafkaConsumer.connect(
            configuration: KafkaConsumerConfiguration(
                bootstrapServers: connection.bootstrapServers, clientID: "connectas-audit-verify",
                groupID: "connectas-audit-verify-\(UUID().uuidString.prefix(8))",
                topics: [connection.topic(DefaultTopic.auditCheckpoints)], sessionTimeout: .seconds(6),
                autoOffsetReset: .earliest, shutdownGracePeriod: .seconds(1),
                properties: connection.consumerProperties),
            logger: connection.logger)
        let found = Mutex<(checkpoints: [ConnectAsSchema.AuditCheckpoint], last: ContinuousClock.Instant?)>(([], nil))
        let reader = Task {
            for try await record in consumer.messages {
                guard let value = record.value else { continue }
                guard let event = try? EventCodec.decode(value), case .auditCheckpoint(let checkpoint) = event.message
                else {
                    FileHandle.standardError.write(
                        Data("not a checkpoint: \(record.topic)/\(record.partition)/\(record.offset)\n".utf8))
                    continue
                }
                found.withLock {
                    $0.checkpoints.append(checkpoint)
                    $0.last = .now
                }
            }
        }
        let started = ContinuousClock.now
        var assignedAt: ContinuousClock.Instant?
        while ContinuousClock.now - started < .seconds(60) {
            try await Task.sleep(for: .milliseconds(200))
            if assignedAt == nil, consumer.isAssigned { assignedAt = .now }
            guard let assignedAt else { continue }
            let quietSince = max(assignedAt, found.withLock { $0.last } ?? assignedAt)
            if ContinuousClock.now - quietSince >= .seconds(idleSeconds) { break }
        }
        consumer.stop()
        reader.cancel()
        await consumer.shutdown()
        guard assignedAt != nil else { throw CLIError("the checkpoint topic was never assigned within 60 s") }
        return found.withLock { $0.checkpoints }
    }
}

/// Prints the public half of the checkpoint key, for whoever runs `connectas audit verify`.
struct AuditPublicKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "public-key", abstract: "Print the checkpoint key's public half (base64).")

    @Option(help: "The checkpoint key file.")
    var keyFile = ProcessInfo.processInfo.environment["CONNECTAS_AUDIT_CHECKPOINT_KEY_FILE"]

    func run() async throws {
        guard let keyFile else { throw ValidationError("--key-file (or CONNECTAS_AUDIT_CHECKPOINT_KEY_FILE) is required") }
        let key = try AuditCheckpointKey(file: keyFile, key: "--key-file")
        print(key.publicKeyBase64)
        FileHandle.standardError.write(Data("key id \(key.keyID)\n".utf8))
    }
}
