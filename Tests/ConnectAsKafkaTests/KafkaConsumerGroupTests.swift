import ConnectAsKafka
import Synchronization
import TestSupport
import Testing

/// Producer and consumer group against the local stack's broker (CONNECTAS_KAFKA_BROKERS), a new topic and group
/// per test.
@Suite("consumer groups against the broker")
struct KafkaConsumerGroupTests {
    static let messageCount = 1000

    @Test("1,000 keyed messages are all consumed once, and the commits reach the end of every partition")
    func consumeAllAndCommit() async throws {
        let topic = try await KafkaTestEnvironment.freshTopic()
        let ends = try await KafkaTestEnvironment.produceKeyed(0..<Self.messageCount, topic: topic)
        #expect(ends.count == 6, "keys spread over every partition")
        #expect(ends.values.reduce(0, +) == Int64(Self.messageCount))

        let consumer = try await KafkaConsumer.connect(
            configuration: KafkaTestEnvironment.consumerConfiguration(
                topic: topic, group: StackEnvironment.uniqueName("group")),
            logger: KafkaTestEnvironment.logger)
        let processed = ProcessedMessages()
        try await withTimeLimit(.seconds(45), "consuming \(Self.messageCount) messages") {
            for try await message in consumer.messages {
                let distinct = processed.record(message)
                try await consumer.commit(message)
                if distinct == Self.messageCount { break }
            }
        }
        let partitions = KafkaTestEnvironment.partitions(of: topic)
        #expect(consumer.assignment == Set(partitions))
        let committed = try await consumer.committedOffsets(for: partitions)
        await consumer.shutdown()
        #expect(consumer.assignment.isEmpty, "shutdown leaves the group")

        #expect(processed.duplicates.isEmpty)
        let byKey = processed.byKey
        #expect(byKey.count == Self.messageCount)
        for index in 0..<Self.messageCount {
            let message = try #require(byKey["key-\(index)"]?.first, "key-\(index) was not consumed")
            #expect(message.valueString == "value-\(index)")
            #expect(message.headerValues("index") == [Array("\(index)".utf8)])
            #expect(message.timestamp != nil)
        }
        #expect(committed == ends)
    }

    @Test(
        "a second member joins mid-stream: partitions are shared and no message is lost or repeated",
        arguments: [KafkaConsumerConfiguration.RebalanceProtocol.eager, .cooperativeSticky])
    func secondMemberRebalance(rebalanceProtocol: KafkaConsumerConfiguration.RebalanceProtocol) async throws {
        let topic = try await KafkaTestEnvironment.freshTopic()
        // Most messages wait in the topic when the second member joins; the rest are sent once it owns partitions,
        // so both members have work whichever partitions the first had already finished.
        let sentBeforeJoin = 700
        let endsBeforeJoin = try await KafkaTestEnvironment.produceKeyed(0..<sentBeforeJoin, topic: topic)
        let group = StackEnvironment.uniqueName("group")
        let all = ProcessedMessages()
        let byFirst = ProcessedMessages()
        let bySecond = ProcessedMessages()

        let first = try await KafkaConsumer.connect(
            configuration: KafkaTestEnvironment.consumerConfiguration(
                topic: topic, group: group, clientID: "member-1", rebalanceProtocol: rebalanceProtocol),
            logger: KafkaTestEnvironment.logger)
        let second = SharedValue<KafkaConsumer?>(nil)
        let stopAll: @Sendable () -> Void = {
            first.stop()
            second.get()?.stop()
        }
        let partitions = KafkaTestEnvironment.partitions(of: topic)
        let processedAtFirstRevoke = SharedValue<Int?>(nil)
        // Work is slow while the first member still owns every partition, so the second one's join (about 3 s on
        // Tansu) always lands mid-stream, and fast afterwards, so the test stays short.
        @Sendable func consume(_ consumer: KafkaConsumer, into mine: ProcessedMessages) async throws {
            for try await message in consumer.messages {
                mine.record(message)
                let distinct = all.record(message)
                let ownsEverything = consumer.assignment.count == partitions.count
                if !ownsEverything, consumer === first {
                    processedAtFirstRevoke.update { $0 = $0 ?? distinct }
                }
                try await Task.sleep(for: .milliseconds(ownsEverything ? 10 : 1))
                try await consumer.commit(message)
                if distinct >= Self.messageCount { stopAll() }
            }
        }

        let endsAfterJoin = try await withTimeLimit(.seconds(60), "two members consuming \(Self.messageCount) messages")
        {
            try await withThrowingTaskGroup(of: [KafkaTopicPartition: Int64].self) { tasks in
                tasks.addTask {
                    try await consume(first, into: byFirst)
                    return [:]
                }
                while all.distinctKeys < 100 { try await Task.sleep(for: .milliseconds(10)) }
                let joining = try await KafkaConsumer.connect(
                    configuration: KafkaTestEnvironment.consumerConfiguration(
                        topic: topic, group: group, clientID: "member-2", rebalanceProtocol: rebalanceProtocol),
                    logger: KafkaTestEnvironment.logger)
                second.update { $0 = joining }
                tasks.addTask {
                    try await consume(joining, into: bySecond)
                    return [:]
                }
                while !joining.isAssigned { try await Task.sleep(for: .milliseconds(10)) }
                let ends = try await KafkaTestEnvironment.produceKeyed(sentBeforeJoin..<Self.messageCount, topic: topic)
                try await tasks.waitForAll()
                return ends
            }
        }
        let joined = try #require(second.get())
        let firstAssignment = first.assignment
        let secondAssignment = joined.assignment
        let committed = try await first.committedOffsets(for: partitions)
        await first.shutdown()
        await joined.shutdown()

        let revokedAt = try #require(processedAtFirstRevoke.get(), "the first member gave up partitions")
        #expect(revokedAt < sentBeforeJoin, "the rebalance happened mid-stream")
        #expect(!firstAssignment.isEmpty && !secondAssignment.isEmpty, "both members end up with partitions")
        #expect(firstAssignment.isDisjoint(with: secondAssignment))
        #expect(firstAssignment.union(secondAssignment) == Set(partitions))
        #expect(byFirst.total > 0 && bySecond.total > 0, "both members processed messages")
        #expect(all.distinctKeys == Self.messageCount, "every message accounted for across the two members")
        #expect(all.duplicates.isEmpty, "the commit on revoke leaves nothing to redo")
        #expect(committed == endsBeforeJoin.merging(endsAfterJoin, uniquingKeysWith: max))
    }

    @Test("a consumer shut down mid-message and restarted resumes right after its last commit")
    func restartResumesAfterCommit() async throws {
        let topic = try await KafkaTestEnvironment.freshTopic()
        let ends = try await KafkaTestEnvironment.produceKeyed(0..<Self.messageCount, topic: topic)
        let group = StackEnvironment.uniqueName("group")
        let stopAfter = 400

        let firstRun = ProcessedMessages()
        let first = try await KafkaConsumer.connect(
            configuration: KafkaTestEnvironment.consumerConfiguration(topic: topic, group: group),
            logger: KafkaTestEnvironment.logger)
        try await withTimeLimit(.seconds(45), "the first run") {
            for try await message in first.messages {
                if firstRun.record(message) == stopAfter {
                    // Shut down while this message is still being processed: shutdown must wait for it (the commit
                    // below would fail once the group is left). stop() first, so no later message is handed out
                    // however slowly the shutdown task starts.
                    first.stop()
                    Task { await first.shutdown() }
                    try await Task.sleep(for: .milliseconds(300))
                }
                try await first.commit(message)
            }
        }
        await first.shutdown()
        #expect(firstRun.total == stopAfter, "no message is handed out once shutdown has begun")

        let secondRun = ProcessedMessages()
        let second = try await KafkaConsumer.connect(
            configuration: KafkaTestEnvironment.consumerConfiguration(topic: topic, group: group),
            logger: KafkaTestEnvironment.logger)
        let resumedFrom = try await second.committedOffsets(for: KafkaTestEnvironment.partitions(of: topic))
        let firstSeen = SharedValue<[KafkaTopicPartition: Int64]>([:])
        try await withTimeLimit(.seconds(45), "the second run") {
            for try await message in second.messages {
                firstSeen.update { seen in
                    if seen[message.topicPartition] == nil { seen[message.topicPartition] = message.offset }
                }
                let total = secondRun.record(message)
                try await second.commit(message)
                if total == Self.messageCount - stopAfter { break }
            }
        }
        let committed = try await second.committedOffsets(for: KafkaTestEnvironment.partitions(of: topic))
        await second.shutdown()

        let before = Set(firstRun.byKey.keys)
        let after = Set(secondRun.byKey.keys)
        #expect(before.isDisjoint(with: after), "nothing committed before the restart is delivered again")
        #expect(before.union(after).count == Self.messageCount, "nothing after the last commit is lost")
        #expect(secondRun.duplicates.isEmpty)
        // Each partition resumes exactly at the offset committed before the restart (0 where nothing was).
        for (partition, offset) in firstSeen.get() {
            #expect(offset == resumedFrom[partition] ?? 0, "\(partition) resumed at its committed offset")
        }
        #expect(committed == ends)
    }
}
