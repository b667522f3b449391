import ConnectAsSchema
import ConnectAsService

/// session-injector's consumer of `connectas.events`: it acts on policy-service's approvals and ignores the rest
/// of the topic (its own events included).
struct InjectorHandler: MessageHandler {
    let injector: Injector

    func handle(_ message: InboundMessage, context: ProcessingContext) async throws {
        guard let event = message.event else { return }
        switch event.message {
        case .initiateApproved(let approved): try await injector.initiate(approved, processing: context)
        case .endApproved(let approved): try await injector.close(.end(approved), processing: context)
        case .revokeApproved(let approved): try await injector.close(.revoke(approved), processing: context)
        case .listUsersApproved(let approved): try await injector.listUsers(approved, processing: context)
        default: return
        }
    }
}
