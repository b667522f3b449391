import ConnectAsSchema
import ConnectAsService

/// session-injector's consumer of `connectas.events`: it acts on policy-service's approvals and ignores the rest
/// of the topic (its own events included). It also reads `platform.environments`, for one thing only: how to reach
/// each server now, so that expiry, ends and deletes follow a host key or address that changed after issue.
/// Decisions stay policy-service's: nothing in that record allows or refuses anything here.
struct InjectorHandler: MessageHandler {
    let injector: Injector
    let environmentsTopic: String

    func handle(_ message: InboundMessage, context: ProcessingContext) async throws {
        guard let event = message.event else { return }
        switch event.message {
        case .initiateApproved(let approved): try await injector.initiate(approved, processing: context)
        case .endApproved(let approved): try await injector.close(.end(approved), processing: context)
        case .revokeApproved(let approved): try await injector.close(.revoke(approved), processing: context)
        case .listUsersApproved(let approved): try await injector.listUsers(approved, processing: context)
        case .environmentState(let state):
            try await injector.environmentChanged(state, recordTime: event.attributes.time, processing: context)
        default: return
        }
    }

    func ownsDeadLetters(of topic: String) -> Bool { topic != environmentsTopic }
}
