import ConnectAsKafka
import ConnectAsSchema
import ConnectAsService
import Foundation

extension PolicyHandler {
    /// A command that broke the contract still gets an answer when it can be attributed: it arrived on the command
    /// topic, names a command type (any version) and carries a `correlationid` that is a valid request id. The
    /// reply is `invalid_request` with the refused field's path; anything else goes to the dead-letter topic.
    public func refuse(_ record: KafkaConsumerMessage, error: SchemaError, transaction: ServiceTransaction)
        async throws -> Bool
    {
        guard record.topic == topics.commands, let requestId = error.correlationId, FieldRules.isID(requestId),
            let kind = error.eventType.flatMap(Self.commandKind(ofType:))
        else { return false }
        let reply = RequestDeniedReply(
            requestId: requestId, orgId: nil, environmentId: nil, command: kind, code: .invalidRequest,
            message: String(error.description.prefix(1_000)), field: error.path.map { String($0.prefix(256)) })
        try await transaction.publish(reply, id: "invalid:\(record.topic)/\(record.partition)/\(record.offset)")
        logger.info(
            "refused an invalid command",
            metadata: [
                "connectas.request.id": "\(requestId)", "error.code": "\(error.code.rawValue)",
                "error.path": "\(error.path ?? "")",
            ])
        return true
    }

    static func commandKind(ofType type: String) -> CommandKind? {
        switch EventType(parsing: type)?.name {
        case InitiateSession.eventType.name: .initiateSession
        case EndSession.eventType.name: .endSession
        case RevokeSession.eventType.name: .revokeSession
        case ListUsers.eventType.name: .listUsers
        default: nil
        }
    }
}
