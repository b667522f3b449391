import ConnectAsPlatform
import ConnectAsSchema
import Foundation

extension PlatformPublisher {
    /// Runs `body` with a publisher on a producer of its own, shut down (and flushed) afterwards.
    static func with<T>(_ options: ConnectionOptions, _ body: (PlatformPublisher) async throws -> T) async throws -> T {
        let producer = try await options.producer()
        do {
            let result = try await body(PlatformPublisher(producer: producer, topicPrefix: options.topicPrefix))
            await producer.shutdown()
            return result
        } catch {
            await producer.shutdown()
            throw error
        }
    }
}

extension ReplyCollector {
    static func start(
        _ options: ConnectionOptions, topic: String = DefaultTopic.replies,
        accepts: @escaping @Sendable (DecodedEvent) -> Bool = { _ in true }
    ) async throws -> ReplyCollector {
        try await start(
            bootstrapServers: options.bootstrapServers, topic: options.topic(topic), logger: options.logger,
            properties: options.consumerProperties, accepts: accepts)
    }
}

/// Prints a message as the JSON it is on the wire, so what the CLI shows is what a platform team would read.
func printJSON<Payload: MessagePayload>(_ event: CloudEvent<Payload>) throws {
    print(String(decoding: try EventCodec.encode(event), as: UTF8.self))
}

typealias CLIError = PlatformClientError
