import ConnectAsPostgres
import ConnectAsSchema
import Foundation

/// A database transaction of a service, through which it both changes its own tables and publishes events: the
/// events are written to the outbox in the same transaction, so they are published if and only if it commits.
public struct ServiceTransaction: Sendable {
    public let connection: PostgresConnection
    let source: String
    let topics: TopicNames

    /// Queues `payload` for publishing; `id` must be stable when the same occurrence can be produced twice.
    @discardableResult
    public func publish<Payload: MessagePayload>(
        _ payload: Payload, id: String = UUID().uuidString.lowercased(), time: Date = Date()
    ) async throws -> CloudEvent<Payload> {
        let event = CloudEvent(payload, source: source, id: id, time: time)
        try await enqueue(
            topic: topics.resolve(Payload.defaultTopic), key: payload.partitionKey,
            payload: EventCodec.encode(event), eventID: event.id)
        return event
    }

    func enqueue(topic: String, key: String?, payload: Data, eventID: String) async throws {
        try await connection.query(
            "INSERT INTO outbox (topic, message_key, payload, event_id) VALUES ($1, $2, $3, $4)",
            topic, key, payload, eventID)
    }
}

extension TopicNames {
    /// The configured name of a topic known by its default name.
    func resolve(_ defaultName: String) -> String {
        switch defaultName {
        case DefaultTopic.commands: commands
        case DefaultTopic.events: events
        case DefaultTopic.replies: replies
        case DefaultTopic.deadLetters: deadLetters
        case DefaultTopic.orgs: orgs
        case DefaultTopic.members: members
        case DefaultTopic.auditCheckpoints: auditCheckpoints
        case DefaultTopic.environments: environments
        default: defaultName
        }
    }
}
