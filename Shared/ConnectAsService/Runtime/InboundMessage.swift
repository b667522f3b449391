import ConnectAsKafka
import ConnectAsSchema
import Crypto
import Foundation

/// A record a service consumed: the decoded event, or nothing for a tombstone (a deleted key of a compacted topic).
public struct InboundMessage: Sendable {
    public let record: KafkaConsumerMessage
    public let event: DecodedEvent?

    /// What the idempotent consumer remembers: the event id, or the record's position for a tombstone, which has
    /// no id of its own.
    public var messageID: String {
        event?.attributes.id ?? "\(record.topic)/\(record.partition)/\(record.offset)"
    }

    /// SHA-256 of the record's value, which tells a redelivery from another message reusing the id.
    var contentHash: Data { Data(SHA256.hash(data: record.value ?? [])) }

    public var messageType: String {
        event.map { type(of: $0.message.payload).eventType.rawValue } ?? "tombstone"
    }
}

/// Processes one kind of service's messages. Called at least once per message; effects in the database are
/// made exactly once by doing them inside ``ProcessingContext/commit(_:)``.
public protocol MessageHandler: Sendable {
    func handle(_ message: InboundMessage, context: ProcessingContext) async throws

    /// Called, inside the transaction that records it as processed, for a record that did not decode: a handler
    /// that can answer its sender (a command whose request id is readable) publishes the answer through
    /// `transaction` and returns `true`, and the record is not dead-lettered. The default answers nothing.
    func refuse(_ record: KafkaConsumerMessage, error: SchemaError, transaction: ServiceTransaction) async throws
        -> Bool

    /// Whether this service dead-letters what it cannot read on `topic`. A topic read for a side purpose (the
    /// injector's `platform.environments`) has its dead letters written by its main consumer (policy-service), so
    /// that every bad record has exactly one. The default is true.
    func ownsDeadLetters(of topic: String) -> Bool
}

extension MessageHandler {
    public func refuse(_ record: KafkaConsumerMessage, error: SchemaError, transaction: ServiceTransaction)
        async throws -> Bool
    { false }

    public func ownsDeadLetters(of topic: String) -> Bool { true }
}

/// An error a handler throws when the message may succeed later (a server down): the consumer retries the same
/// message with backoff instead of dead-lettering it.
public struct RetryLater: Error, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "retry later: \(reason)" }
}

/// An error a handler throws for a message it can never process; it goes to the dead-letter topic with the code.
public struct UnprocessableMessage: Error, CustomStringConvertible {
    public let code: String
    public let reason: String
    public init(code: String, reason: String) {
        self.code = code
        self.reason = reason
    }
    public var description: String { "\(code): \(reason)" }
}
