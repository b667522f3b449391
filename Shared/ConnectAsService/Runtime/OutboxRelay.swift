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
                            while try await relayBatch(connection) == batchSize {}
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

    /// Publishes up to `batchSize` rows; rows of one key in order, different keys concurrently.
    func relayBatch(_ connection: PostgresConnection) async throws -> Int {
        let rows = try await connection.query(
            "SELECT id, topic, message_key, payload FROM outbox ORDER BY id LIMIT $1", batchSize)
        guard !rows.isEmpty else { return 0 }
        struct Row: Sendable {
            let id: Int64, topic: String, key: String?, payload: Data
        }
        let batch = try rows.map {
            Row(
                id: try $0.decode("id"), topic: try $0.decode("topic"), key: try $0.decode("message_key"),
                payload: try $0.decode("payload"))
        }
        let producer = context.producer
        try await withThrowingTaskGroup(of: Void.self) { group in
            for rowsOfKey in Dictionary(grouping: batch, by: { "\($0.topic)\u{0}\($0.key ?? "")" }).values {
                group.addTask {
                    for row in rowsOfKey {
                        try await producer.send(
                            topic: row.topic, key: row.key.map { Array($0.utf8) }, value: Array(row.payload))
                    }
                }
            }
            try await group.waitForAll()
        }
        let ids = "{" + batch.map { String($0.id) }.joined(separator: ",") + "}"
        try await connection.query("DELETE FROM outbox WHERE id = ANY($1::bigint[])", ids)
        Counter(label: "connectas_outbox_published_total").increment(by: batch.count)
        return batch.count
    }
}
