import ConnectAsPolicy
import ConnectAsPostgres
import ConnectAsSchema

/// The commands policy-service has decided, by request id: the guard that makes one decision per request even when
/// the platform publishes the same command again under a new event id (the consumer's own guard is the event id).
struct DecisionLog {
    let connection: PostgresConnection

    /// Claims the request for this transaction; false when it was decided before. Under serializable isolation a
    /// concurrent claim that committed first makes this fail with a serialization error, and the retry sees it.
    func claim(_ command: CommandKind, requestId: String) async throws -> Bool {
        try await connection.query(
            "INSERT INTO decisions (command, request_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            command.rawValue, requestId
        ).affectedRows == 1
    }

    func record<Approval>(
        _ decision: PolicyDecision<Approval>, command: CommandKind, requestId: String, sessionId: String? = nil
    ) async throws {
        try await connection.query(
            """
            UPDATE decisions SET outcome = $3, denial_code = $4, session_id = $5, decided_at = now()
            WHERE command = $1 AND request_id = $2
            """, command.rawValue, requestId, decision.denial == nil ? "approved" : "denied",
            decision.denial?.code.rawValue, decision.denial == nil ? sessionId : nil)
    }
}

/// Event ids derived from the request, so that whatever runs the decision again (a retried transaction, a
/// redelivery racing the first) can only ever publish the same events, which consumers deduplicate.
enum DecisionEventID {
    static func decision(_ command: CommandKind, requestId: String) -> String {
        "policy-service/\(command.rawValue)/\(requestId)/decision"
    }

    static func deniedReply(_ command: CommandKind, requestId: String) -> String {
        "policy-service/\(command.rawValue)/\(requestId)/denied-reply"
    }
}
