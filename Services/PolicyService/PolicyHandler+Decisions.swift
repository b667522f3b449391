import ConnectAsPolicy
import ConnectAsSchema
import ConnectAsService
import Foundation

extension PolicyHandler {
    /// Runs one decision exactly once per request: in the consumer's transaction (which records the message as
    /// processed), after claiming the request id, at the database's clock (one clock for every replica).
    func decideOnce(
        _ kind: CommandKind, requestId: String, context: ProcessingContext,
        _ body: (ServiceTransaction, Date) async throws -> Denial?
    ) async throws {
        var outcome: Denial??
        try await context.commit { transaction in
            outcome = nil
            guard try await DecisionLog(connection: transaction.connection).claim(kind, requestId: requestId) else {
                return
            }
            let now = try await transaction.connection.query("SELECT now() AS now").scalar(as: Date.self)
            outcome = .some(try await body(transaction, now))
        }
        var logger = logger
        logger[metadataKey: "connectas.request.id"] = "\(requestId)"
        logger[metadataKey: "connectas.command"] = "\(kind.rawValue)"
        switch outcome {
        case .none:
            logger.info("request already decided; this copy of the command is ignored")
        case .some(.none):
            logger.info("approved")
        case .some(.some(let denial)):
            logger.info("denied", metadata: ["connectas.denial.code": "\(denial.code.rawValue)"])
        }
    }

    func publishDeniedReply(
        _ denial: Denial, kind: CommandKind, requestId: String, orgId: String, environmentId: String,
        sessionId: String?, transaction: ServiceTransaction, now: Date
    ) async throws {
        let reply = RequestDeniedReply(
            requestId: requestId, orgId: orgId, environmentId: environmentId, command: kind, sessionId: sessionId,
            code: denial.code, message: denial.message, retryAfterSeconds: denial.retryAfterSeconds)
        try await transaction.publish(reply, id: DecisionEventID.deniedReply(kind, requestId: requestId), time: now)
    }
}
