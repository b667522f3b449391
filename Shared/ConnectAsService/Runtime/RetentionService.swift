import ConnectAsPostgres
import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// Rows a service keeps only for a while: deleted once `column` is older than the retention
/// (`connectas.retention.days`). `table`, `column` and `condition` are constants of the service's code, never input.
public struct RetentionRule: Sendable {
    public var table: String
    public var column: String
    /// Further SQL condition a row must meet to go (e.g. that its work is finished).
    public var condition: String?

    public init(table: String, column: String, condition: String? = nil) {
        self.table = table
        self.column = column
        self.condition = condition
    }

    /// The idempotent consumer's memory. Kafka redelivers only what it still holds, so ids older than its
    /// retention (7 days by default; the retention here defaults to 30) can no longer come back but by an offset
    /// reset done on purpose.
    static let processedMessages = RetentionRule(table: "processed_messages", column: "processed_at")
}

/// Deletes, about once an hour in every replica, the rows the service's ``RetentionRule``s let go, a few thousand
/// per statement so that no transaction holds locks for long. Replicas pruning at once only wait on each other's
/// row locks; nothing depends on which one deletes a row.
public struct RetentionService: Service, CustomStringConvertible {
    /// What swift-service-lifecycle logs for it: the name, not the fields (which hold the configuration).
    public var description: String { "RetentionService" }

    let pool: PostgresPool
    let logger: Logger
    let retention: Duration
    let rules: [RetentionRule]
    let interval: Duration
    let batchSize: Int

    /// `rules` come on top of the processed-message ids every service prunes.
    public init(
        pool: PostgresPool, logger: Logger, retention: Duration, rules: [RetentionRule],
        interval: Duration = .seconds(3600), batchSize: Int = 5000
    ) {
        self.pool = pool
        self.logger = logger
        self.retention = retention
        self.rules = [RetentionRule.processedMessages] + rules
        self.interval = interval
        self.batchSize = batchSize
    }

    init(context: ServiceContext, rules: [RetentionRule]) {
        self.init(
            pool: context.pool, logger: context.logger, retention: context.configuration.retention, rules: rules)
    }

    public func run() async throws {
        // Cancelled at graceful shutdown: a pass in progress stops between statements, a pause at once.
        await cancelWhenGracefulShutdown {
            // Replicas started together do not prune together; the first pass waits for start-up to be over.
            var pause = Duration.seconds(60) + .milliseconds(Int.random(in: 0...60_000))
            while !Task.isCancelled {
                do { try await Task.sleep(for: pause) } catch { return }
                pause = interval
                await pruneOnce()
            }
        }
    }

    /// One pass over every rule; what each deleted, by table.
    @discardableResult
    public func pruneOnce(now: Date = Date()) async -> [String: Int] {
        let cutoff = now.addingTimeInterval(-Double(retention.components.seconds))
        var deleted: [String: Int] = [:]
        for rule in rules {
            do {
                var total = 0
                while !Task.isCancelled {
                    let count = try await pool.query(Self.statement(for: rule, batchSize: batchSize), cutoff)
                        .affectedRows
                    total += count
                    if count < batchSize { break }
                }
                deleted[rule.table] = total
                if total > 0 {
                    Counter(label: "connectas_retention_deleted_total", dimensions: [("table", rule.table)])
                        .increment(by: total)
                    logger.info(
                        "retention: deleted old rows", metadata: ["table": "\(rule.table)", "rows": "\(total)"])
                }
            } catch {
                logger.warning(
                    "retention: pruning failed; the next pass retries",
                    metadata: ["table": "\(rule.table)", "error": "\(error)"])
            }
        }
        return deleted
    }

    static func statement(for rule: RetentionRule, batchSize: Int) -> String {
        let condition = rule.condition.map { " AND (\($0))" } ?? ""
        return """
            DELETE FROM \(rule.table) WHERE ctid = ANY(ARRAY(
                SELECT ctid FROM \(rule.table) WHERE \(rule.column) < $1\(condition) LIMIT \(batchSize)))
            """
    }
}
