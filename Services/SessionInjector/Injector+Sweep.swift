import ConnectAsOdoo
import ConnectAsPostgres
import ConnectAsSchema
import ConnectAsService
import Foundation
import Logging

extension Injector {
    /// One pass of the timer: expire unused links, end sessions past their maximum duration, make pending deletes,
    /// re-issue links whose reply never went out. Each kind claims its rows with a lease (`FOR UPDATE SKIP LOCKED`)
    /// so replicas share the work; every SSH delete is idempotent, so a lease that runs out at worst repeats one.
    func sweep() async {
        await run("expire links") { try await expireLinks() }
        await run("end sessions at their maximum duration") { try await endExpiredSessions() }
        await run("pending deletes") { try await makePendingDeletes() }
        await run("re-issue unsent links") { try await reissueUnsentLinks() }
    }

    func run(_ what: String, _ body: () async throws -> Void) async {
        do {
            try await body()
        } catch is CancellationError {
        } catch {
            logger.warning(
                "timer: \(what) failed; next pass retries", metadata: [InjectorLoggingKeys.error: "\(error)"])
        }
    }

    /// How long a claim holds: longer than one SSH operation can take.
    var leaseSeconds: Int { Int(configuration.odooTimeout.components.seconds) * 2 + 10 }

    /// Claims up to the kind's limit of its due rows for this replica, with a lease (`FOR UPDATE SKIP LOCKED`).
    func claim(_ kind: SweepClaim) async throws -> [SessionRecord] {
        try await context.pool.transaction(isolation: .readCommitted) { connection in
            try await connection.query(
                """
                UPDATE sessions SET lease_until = now() + $1::integer * interval '1 second'
                WHERE session_id IN (
                    SELECT session_id FROM sessions
                    WHERE (\(kind.condition)) AND (lease_until IS NULL OR lease_until < now())
                    ORDER BY \(kind.order) LIMIT \(kind.limit)
                    FOR UPDATE SKIP LOCKED)
                RETURNING \(SessionRecord.columns)
                """,
                leaseSeconds
            ).map(SessionRecord.init(row:))
        }
    }

    func forEach(_ records: [SessionRecord], _ body: @escaping @Sendable (SessionRecord) async -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            for record in records { group.addTask { await body(record) } }
        }
    }

    /// Backoff for the timer's retries of one row: 2, 4, 8 … seconds, at most five minutes.
    static func backoffSeconds(afterAttempts attempts: Int) -> Int { min(300, 1 << min(max(attempts, 1), 9)) }
}
