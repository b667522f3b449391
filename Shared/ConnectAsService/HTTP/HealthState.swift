import ConnectAsKafka
import ConnectAsPostgres
import Synchronization

/// What `/health` reports: ready when the service's consumer has partitions assigned and its database answers;
/// degraded (still ready) while the outbox holds rows the broker refused for good, with their count.
public final class HealthState: Sendable {
    private let pool: PostgresPool
    private let consumer = Mutex<KafkaConsumer?>(nil)

    init(pool: PostgresPool) {
        self.pool = pool
    }

    func attach(_ consumer: KafkaConsumer) {
        self.consumer.withLock { $0 = consumer }
    }

    public struct Report: Sendable, Codable {
        public var ready: Bool
        public var consumerAssigned: Bool
        public var assignedPartitions: Int
        public var databaseReachable: Bool
        public var databaseError: String?
        public var degraded: Bool
        /// Rows in `outbox_parked`: refused by the broker for good, kept with the error for an operator.
        public var parkedOutboxRows: Int
        /// Age of the oldest row still waiting in the outbox, in seconds (0 when empty).
        public var oldestOutboxRowSeconds: Double
    }

    public func check() async -> Report {
        let assignment = consumer.withLock { $0?.assignment.count } ?? 0
        var databaseError: String?
        var parked = 0
        var oldest = 0.0
        do {
            let row = try await pool.query(
                """
                SELECT (SELECT count(*) FROM outbox_parked)::bigint AS parked,
                       COALESCE(EXTRACT(EPOCH FROM now() - (SELECT min(created_at) FROM outbox)), 0)::float8 AS oldest
                """)
            parked = Int(try row.first?.decode("parked", as: Int64.self) ?? 0)
            oldest = try row.first?.decode("oldest", as: Double.self) ?? 0
        } catch {
            databaseError = "\(error)"
        }
        return Report(
            ready: assignment > 0 && databaseError == nil, consumerAssigned: assignment > 0,
            assignedPartitions: assignment, databaseReachable: databaseError == nil, databaseError: databaseError,
            degraded: parked > 0, parkedOutboxRows: parked, oldestOutboxRowSeconds: oldest)
    }
}
