import Logging

extension PostgresConnection {
    /// Ten attempts span at least 0.65 s of pauses: enough for the transaction that won a conflict to commit on a
    /// loaded machine (five, spanning 75 ms, lost to a slow COMMIT on a 2-core CI runner).
    public static let defaultMaxAttempts = 10

    /// Runs `body` inside BEGIN … COMMIT, rolls back when it throws, and runs all of it again after a serialization
    /// failure (40001) or a deadlock (40P01), up to `maxAttempts` times with a short jittered pause in between.
    ///
    /// `body` may run more than once, so it must have no effects outside the database (or only idempotent ones).
    @discardableResult
    public func transaction<T>(
        isolation: PostgresIsolationLevel = .serializable,
        maxAttempts: Int = PostgresConnection.defaultMaxAttempts,
        callerIsolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        // PostgreSQL only warns about a second BEGIN, and the inner COMMIT would commit the outer work early.
        guard base.health != .inTransaction else {
            throw PostgresError(
                .invalidArgument,
                message: "transaction() was called inside an open transaction; do the work in the outer one")
        }
        var attempt = 1
        while true {
            do {
                return try await runOnce(isolation, body)
            } catch let error as PostgresError where error.isRetriable && attempt < maxAttempts {
                let pause = Self.backoff(afterAttempt: attempt)
                logger.debug(
                    "transaction conflicted; running it again",
                    metadata: [
                        PostgresLoggingKeys.sqlState: "\(error.sqlState?.rawValue ?? "")",
                        PostgresLoggingKeys.attempt: "\(attempt)",
                    ])
                try await Task.sleep(for: pause)
                attempt += 1
            }
        }
    }

    private func runOnce<T>(
        _ level: PostgresIsolationLevel,
        callerIsolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await query("BEGIN ISOLATION LEVEL \(level.sql)")
        let value: T
        do {
            value = try await body(self)
        } catch {
            // A failed ROLLBACK means the connection is gone or unusable; the pool sees that and discards it.
            _ = try? await query("ROLLBACK")
            throw error
        }
        let commit = try await query("COMMIT")
        // The server answers COMMIT with ROLLBACK when a statement failed inside and `body` caught the error.
        guard commit.commandTag != "ROLLBACK" else {
            throw PostgresError(
                .transactionRolledBack,
                message: "COMMIT rolled the transaction back: a statement in it failed and its error was caught")
        }
        return value
    }

    /// Full jitter over an exponential ceiling (10 ms, 20 ms, … up to 250 ms), so that the transactions that
    /// collided do not collide again in step.
    static func backoff(afterAttempt attempt: Int) -> Duration {
        let ceiling = min(250, 10 << min(attempt - 1, 5))
        return .milliseconds(Int.random(in: ceiling / 2...ceiling))
    }
}
