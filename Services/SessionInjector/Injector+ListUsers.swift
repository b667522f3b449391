import ConnectAsOdoo
import ConnectAsSchema
import ConnectAsService

extension Injector {
    /// ListUsersApproved: read the environment's active internal users over SSH and reply with them.
    func listUsers(_ approved: ListUsersApproved, processing: ProcessingContext) async throws {
        var logger = logger
        logger[metadataKey: InjectorLoggingKeys.requestId] = "\(approved.requestId)"
        let search = approved.search?.trimmingCharacters(in: .whitespacesAndNewlines)
        let target = OdooTarget(snapshot: approved.environment)
        let outcome = try await attempts("list_users", logger: logger) {
            try await shell.listUsers(on: target, search: search?.isEmpty == false ? search : nil)
        }
        try await processing.commit { transaction in
            switch outcome {
            case .success(let list):
                try await transaction.publish(
                    UsersListReply(
                        requestId: approved.requestId, orgId: approved.orgId, environmentId: approved.environmentId,
                        users: list.users.map {
                            OdooUser(
                                id: $0.id, login: $0.login, displayName: $0.displayName,
                                isAdministrator: $0.isAdministrator)
                        }),
                    id: EventID.of(approved.requestId, "users"))
            case .failure(let error):
                let (stage, code) = error.failure(during: .userList)
                try await transaction.publish(
                    RequestFailedReply(
                        requestId: approved.requestId, command: .listUsers, orgId: approved.orgId,
                        environmentId: approved.environmentId, stage: stage, code: code, message: error.message),
                    id: EventID.of(approved.requestId, "failed-reply"))
            }
        }
    }
}
