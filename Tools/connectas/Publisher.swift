import ConnectAsKafka
import ConnectAsSchema
import Foundation

/// Publishes payloads as the platform does: in a CloudEvents envelope, on the payload's topic, keyed as the
/// contract says.
struct Publisher {
    static let source = "/platform/connectas-cli"
    let producer: KafkaProducer
    let options: ConnectionOptions

    @discardableResult
    func publish<Payload: MessagePayload>(_ payload: Payload) async throws -> CloudEvent<Payload> {
        let event = CloudEvent(payload, source: Self.source)
        try await producer.send(
            topic: options.topic(Payload.defaultTopic), key: Array(payload.partitionKey.utf8),
            value: Array(try EventCodec.encode(event)))
        return event
    }

    /// Deletes a compacted record: a tombstone under its key.
    func delete(topic: String, key: String) async throws {
        try await producer.send(topic: options.topic(topic), key: Array(key.utf8), value: nil)
    }

    static func with<T>(_ options: ConnectionOptions, _ body: (Publisher) async throws -> T) async throws -> T {
        let producer = try await options.producer()
        do {
            let result = try await body(Publisher(producer: producer, options: options))
            await producer.shutdown()
            return result
        } catch {
            await producer.shutdown()
            throw error
        }
    }
}

/// Prints a message as the JSON it is on the wire, so what the CLI shows is what a platform team would read.
func printJSON<Payload: MessagePayload>(_ event: CloudEvent<Payload>) throws {
    print(String(decoding: try EventCodec.encode(event), as: UTF8.self))
}
