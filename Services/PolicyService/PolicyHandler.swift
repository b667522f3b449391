import ConnectAsPlatformState
import ConnectAsPolicy
import ConnectAsSchema
import ConnectAsService
import Foundation
import Logging

/// policy-service's consumer: keeps its copy of platform state and decides the platform's commands from it.
///
/// Consumes `connectas.commands` and the compacted `platform.orgs`, `platform.members` and `platform.environments`
/// (names as configured). Each state record replaces the row of its key, and a tombstone deletes it. Each command
/// is decided in one serializable transaction that reads the state, counts the rate windows, records the decision
/// and writes the decision event (and, on a denial, a ``RequestDeniedReply``) to the outbox, with event ids derived
/// from the request id. The rules themselves are ``ConnectAsPolicy``'s, shared with audit-writer.
///
/// No settings of its own beyond ``ServiceConfiguration``'s; the rate limits are the design's (``RateLimits``).
public struct PolicyHandler: MessageHandler {
    let topics: TopicNames
    let logger: Logger
    let limits: RateLimits

    public init(context: ServiceContext, limits: RateLimits = .standard) {
        self.topics = context.topics
        self.logger = context.logger
        self.limits = limits
    }

    public func handle(_ message: InboundMessage, context: ProcessingContext) async throws {
        let topic = message.record.topic
        guard let event = message.event else {
            try await applyTombstone(message, context: context)
            return
        }
        switch event.message {
        case .orgState(let org):
            try await apply(message, kind: .orgs, key: org.partitionKey, context: context) { store, id in
                try await store.upsert(org, eventID: id)
            }
        case .memberState(let member):
            try await apply(message, kind: .members, key: member.partitionKey, context: context) { store, id in
                try await store.upsert(member, eventID: id)
            }
        case .environmentState(let environment):
            try await apply(message, kind: .environments, key: environment.partitionKey, context: context) {
                store, id in try await store.upsert(environment, eventID: id)
            }
        case .initiateSession(let command):
            try requireCommandsTopic(topic)
            try await decide(command, sentAt: event.attributes.time, context: context)
        case .revokeSession(let command):
            try requireCommandsTopic(topic)
            try await decide(command, sentAt: event.attributes.time, context: context)
        case .endSession(let command):
            try requireCommandsTopic(topic)
            try await decide(command, sentAt: event.attributes.time, context: context)
        case .listUsers(let command):
            try requireCommandsTopic(topic)
            try await decide(command, sentAt: event.attributes.time, context: context)
        default:
            // Not a message policy-service acts on (the consumer only reads its own topics, so this is rare).
            return
        }
    }

    func stateKind(ofTopic topic: String) -> StateKind? {
        switch topic {
        case topics.orgs: .orgs
        case topics.members: .members
        case topics.environments: .environments
        default: nil
        }
    }

    func requireCommandsTopic(_ topic: String) throws {
        guard topic == topics.commands else {
            throw UnprocessableMessage(
                code: "policy.wrong_topic", reason: "a command arrived on \(topic), not on \(topics.commands)")
        }
    }
}
