import ConnectAsKafka
import ConnectAsPostgres
import Synchronization

/// What `/health` reports: ready when the service's consumer has partitions assigned and its database answers.
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
    }

    public func check() async -> Report {
        let assignment = consumer.withLock { $0?.assignment.count } ?? 0
        var databaseError: String?
        do {
            _ = try await pool.query("SELECT 1")
        } catch {
            databaseError = "\(error)"
        }
        return Report(
            ready: assignment > 0 && databaseError == nil, consumerAssigned: assignment > 0,
            assignedPartitions: assignment, databaseReachable: databaseError == nil, databaseError: databaseError)
    }
}
