import ConnectAsKafka
import TestSupport
import Testing

@Suite("producer against the broker")
struct KafkaProducerTests {
    @Test("headers, a missing key, an empty value and a tombstone arrive as sent")
    func payloadShapes() async throws {
        let topic = try await KafkaTestEnvironment.freshTopic(partitions: 1)
        let producer = try await KafkaProducer.connect(
            configuration: KafkaProducerConfiguration(bootstrapServers: try KafkaTestEnvironment.brokers()),
            logger: KafkaTestEnvironment.logger)
        let headers = [
            KafkaHeader(name: "ce_type", value: "connectas.test.v1"), KafkaHeader(name: "empty", value: nil),
            KafkaHeader(name: "ce_type", value: "again"),
        ]
        let first = try await producer.send(topic: topic, key: nil, value: Array("no key".utf8), headers: headers)
        try await producer.send(topic: topic, key: Array("k".utf8), value: [])
        try await producer.send(topic: topic, key: Array("k".utf8), value: nil)
        #expect(producer.outstandingMessages == 0)
        await producer.shutdown()
        await #expect(throws: KafkaError.self) { try await producer.send(topic: topic, key: "late", value: "late") }
        #expect(first.partition == 0)

        let consumer = try await KafkaConsumer.connect(
            configuration: KafkaTestEnvironment.consumerConfiguration(
                topic: topic, group: StackEnvironment.uniqueName("group")),
            logger: KafkaTestEnvironment.logger)
        var received: [KafkaConsumerMessage] = []
        for try await message in consumer.messages {
            received.append(message)
            try await consumer.commit(message)
            if received.count == 3 { break }
        }
        await consumer.shutdown()

        #expect(received.map(\.offset) == [first.offset, first.offset + 1, first.offset + 2])
        #expect(received[0].key == nil)
        #expect(received[0].valueString == "no key")
        #expect(received[0].headers == headers)
        #expect(received[1].value == [])
        #expect(received[2].value == nil)
    }
}
