import ArgumentParser
import ConnectAsKafka
import ConnectAsSchema
import Foundation

/// Prints the suite's events as they happen, one line each (what a SIEM would ingest, summarised).
struct Tail: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Follow a topic's events (default: connectas.events).")

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Topic: events, replies, commands, dlq.") var topic = "events"
    @Flag(help: "Start from the oldest message rather than the newest.") var fromBeginning = false
    @Option(help: "Stop after this many messages.") var count: Int?
    @Flag(help: "Print each message's full JSON.") var json = false

    func run() async throws {
        let names = [
            "events": DefaultTopic.events, "replies": DefaultTopic.replies, "commands": DefaultTopic.commands,
            "dlq": DefaultTopic.deadLetters,
        ]
        guard let name = names[topic] else { throw ValidationError("unknown topic \(topic)") }
        let consumer = try await KafkaConsumer.connect(
            configuration: KafkaConsumerConfiguration(
                bootstrapServers: connection.bootstrapServers, clientID: "connectas-cli",
                groupID: "connectas-tail-\(UUID().uuidString.prefix(8))", topics: [connection.topic(name)],
                sessionTimeout: .seconds(6), autoOffsetReset: fromBeginning ? .earliest : .latest,
                shutdownGracePeriod: .seconds(1)),
            logger: connection.logger)
        var seen = 0
        for try await record in consumer.messages {
            print(Self.line(record, json: json))
            seen += 1
            if let count, seen >= count { break }
        }
        await consumer.shutdown()
    }

    static func line(_ record: KafkaConsumerMessage, json: Bool) -> String {
        guard let value = record.value else { return "tombstone key=\(record.keyString ?? "")" }
        if json { return String(decoding: value, as: UTF8.self) }
        guard let event = try? EventCodec.decode(value) else { return "unreadable \(record.topic)/\(record.offset)" }
        let attributes = event.attributes
        return "\(RFC3339.string(from: attributes.time)) \(type(of: event.message.payload).eventType.rawValue)"
            + " subject=\(attributes.subject ?? "-") request=\(attributes.correlationId ?? "-")"
    }
}
