import ConnectAsKafka
import ConnectAsPostgres
import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// Publishes what the service's transactions wrote to the outbox, then deletes it.
///
/// One replica at a time relays (a session advisory lock, released by PostgreSQL if the replica dies), so the
/// outbox is published in order; the others wait to take over. A crash between publishing and deleting publishes a
/// row twice with the same event id, which every consumer deduplicates.
///
/// No row can hold the others back: one the broker refuses for good (``OutboxRefusal/isPermanent``) is moved to
/// `outbox_parked` with the error, counted, and reported by `/health`; one that fails for a passing reason stops
/// only its own key (whose order must hold) until the next pass, while every other key goes on.
public struct OutboxRelay: Service, CustomStringConvertible {
    /// What swift-service-lifecycle logs for it: the name, not the fields (which hold the configuration).
    public var description: String { "OutboxRelay" }

    let context: ServiceContext
    let batchSize: Int
    let idlePoll: Duration

    public init(context: ServiceContext, batchSize: Int = 500, idlePoll: Duration = .seconds(1)) {
        self.context = context
        self.batchSize = batchSize
        self.idlePoll = idlePoll
    }

    public func run() async throws {
        let wakeups = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let notifications = try await context.pool.listen(to: [context.outboxChannel]) {
            wakeups.continuation.yield()
        }
        let listener = Task {
            for await _ in notifications { wakeups.continuation.yield() }
        }
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: idlePoll)
                wakeups.continuation.yield()
            }
        }
        defer {
            listener.cancel()
            ticker.cancel()
        }
        await cancelWhenGracefulShutdown {
            await relayWhileLeader(wakeups: wakeups.stream)
        }
        try? await context.producer.flush(timeout: .seconds(10))
    }

    func relayWhileLeader(wakeups: AsyncStream<Void>) async {
        let lockKey = "outbox:\(context.schema)"
        while !Task.isCancelled {
            do {
                try await context.pool.withConnection { connection in
                    guard try await connection.query("SELECT pg_try_advisory_lock(hashtext($1))", lockKey)
                        .scalar(as: Bool.self)
                    else { return }
                    context.logger.info("relaying the outbox")
                    do {
                        for await _ in wakeups {
                            // A full batch with progress means more may wait; a batch held back by a passing
                            // failure waits for the next wakeup instead of spinning.
                            while try await relayBatch(connection) == .more {}
                            if Task.isCancelled { break }
                        }
                    } catch {
                        // The connection goes back to the pool: it must not keep the leadership with it.
                        _ = try? await connection.query("SELECT pg_advisory_unlock_all()")
                        throw error
                    }
                    _ = try? await connection.query("SELECT pg_advisory_unlock_all()")
                }
            } catch {
                context.logger.warning("outbox relay failed, will retry", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: idlePoll)
        }
    }

    enum Progress { case more, done }

    struct Row: Sendable {
        let id: Int64, topic: String, key: String?, payload: Data
    }

    enum Outcome: Sendable {
        case sent(Int64)
        case parked(Int64, String)
        case heldBack
    }

    /// Publishes up to `batchSize` rows; rows of one key in order, different keys concurrently.
    func relayBatch(_ connection: PostgresConnection) async throws -> Progress {
        let rows = try await connection.query(
            "SELECT id, topic, message_key, payload FROM outbox ORDER BY id LIMIT $1", batchSize)
        guard !rows.isEmpty else { return .done }
        let batch = try rows.map {
            Row(
                id: try $0.decode("id"), topic: try $0.decode("topic"), key: try $0.decode("message_key"),
                payload: try $0.decode("payload"))
        }
        let producer = context.producer
        let logger = context.logger
        var outcomes: [Outcome] = []
        await withTaskGroup(of: [Outcome].self) { group in
            for rowsOfKey in Dictionary(grouping: batch, by: { "\($0.topic)\u{0}\($0.key ?? "")" }).values {
                group.addTask {
                    var done: [Outcome] = []
                    for row in rowsOfKey {
                        do {
                            try await producer.send(
                                topic: row.topic, key: row.key.map { Array($0.utf8) }, value: Array(row.payload))
                            done.append(.sent(row.id))
                        } catch let error as KafkaError where OutboxRefusal.isPermanent(error) {
                            done.append(.parked(row.id, "\(error)"))
                        } catch {
                            logger.warning(
                                "outbox row not published, will retry",
                                metadata: ["outbox.id": "\(row.id)", "error": "\(error)"])
                            done.append(.heldBack)
                            break
                        }
                    }
                    return done
                }
            }
            for await done in group { outcomes += done }
        }
        let sent = outcomes.compactMap { if case .sent(let id) = $0 { id } else { nil } }
        let parked = outcomes.compactMap { if case .parked(let id, let error) = $0 { (id, error) } else { nil } }
        if !sent.isEmpty {
            let ids = "{" + sent.map { String($0) }.joined(separator: ",") + "}"
            try await connection.query("DELETE FROM outbox WHERE id = ANY($1::bigint[])", ids)
            Counter(label: "connectas_outbox_published_total").increment(by: sent.count)
        }
        for (id, error) in parked {
            logger.error("outbox row refused by the broker for good; parked", metadata: [
                "outbox.id": "\(id)", "error": "\(error)",
            ])
            try await connection.query(
                """
                WITH moved AS (DELETE FROM outbox WHERE id = $1 RETURNING *)
                INSERT INTO outbox_parked (id, topic, message_key, payload, event_id, created_at, error)
                SELECT id, topic, message_key, payload, event_id, created_at, $2 FROM moved
                ON CONFLICT (id) DO UPDATE SET error = EXCLUDED.error, parked_at = now()
                """, id, error)
        }
        if !parked.isEmpty { Counter(label: "connectas_outbox_parked_total").increment(by: parked.count) }
        let progressed = sent.count + parked.count
        return batch.count == batchSize && progressed > 0 ? .more : .done
    }
}

/// Which broker refusals will not pass by retrying the same record.
enum OutboxRefusal {
    static let permanentCodes: Set<String> = [
        "MSG_SIZE_TOO_LARGE", "RECORD_LIST_TOO_LARGE", "INVALID_RECORD", "INVALID_TOPIC_EXCEPTION",
        "TOPIC_AUTHORIZATION_FAILED", "CLUSTER_AUTHORIZATION_FAILED", "INVALID_REQUIRED_ACKS", "_INVALID_ARG",
        "_MSG_SIZE_TOO_LARGE", "CORRUPT_MESSAGE", "_BAD_MSG", "UNSUPPORTED_FOR_MESSAGE_FORMAT", "POLICY_VIOLATION",
    ]

    static func isPermanent(_ error: KafkaError) -> Bool {
        guard !error.isRetriable, !error.isFatal, let name = error.rdKafkaCodeName else { return false }
        return permanentCodes.contains(name)
    }
}
