import ConnectAsKafka
import ConnectAsSchema
import Foundation
import Logging
import Testing
import TestSupport

/// A consumer its group never gives an assignment warns, with the group's state, and joins again as a fresh
/// member, as often as it takes (and stops cleanly meanwhile). The group is held on Tansu the way a stuck coordinator holds it: a member with an
/// assignment strategy the service does not speak (cooperative-sticky against range,roundrobin) created the group
/// and owns it, so every JoinGroup of the service fails. (Tansu keeps a group's protocol after its last member
/// left, for good: so the held group is a fresh one, named for the restarted replica, and it stays refused.)
@Suite(.serialized) struct RejoinTests {
    @Test func aReplicaLeftOutOfItsGroupWarnsAndRejoins() async throws {
        let harness = try await SuiteHarness.start(extraEnvironment: ["CONNECTAS_KAFKA_REJOIN_AFTER_SECONDS": "15"])
        do {
            harness.terminate("notifier")
            let group = harness.prefix + "notifier-held"
            let squatter = try await KafkaConsumer.connect(
                configuration: KafkaConsumerConfiguration(
                    bootstrapServers: [try StackEnvironment.require("CONNECTAS_KAFKA_BROKERS")],
                    clientID: "squatter", groupID: group,
                    topics: [harness.prefix + DefaultTopic.events], sessionTimeout: .seconds(6),
                    rebalanceProtocol: .cooperativeSticky, shutdownGracePeriod: .seconds(1)),
                logger: Logger(label: "squatter"))
            let polling = Task { for try await _ in squatter.messages {} }
            let owned = ContinuousClock.now + .seconds(60)
            while !squatter.isAssigned, ContinuousClock.now < owned { try await Task.sleep(for: .milliseconds(200)) }
            try #require(squatter.isAssigned, "the squatter never got the notifier group's partitions")

            try await harness.startAgain("notifier", extraEnvironment: ["CONNECTAS_KAFKA_GROUP_ID": group])
            // Past the limit it warns and rejoins, and keeps doing so while the group refuses it.
            let warned = ContinuousClock.now + .seconds(90)
            func rejoins() -> Int {
                harness.log(of: "notifier").components(separatedBy: "consumer left its group to join again").count - 1
            }
            while rejoins() < 2, ContinuousClock.now < warned { try await Task.sleep(for: .milliseconds(500)) }
            let log = harness.log(of: "notifier")
            let warning = log.split(separator: "\n").first { $0.contains("leaving to join again") }
            #expect(warning?.contains("\"level\":\"warning\"") == true, "no rejoin warning in: \(log.suffix(3000))")
            #expect(warning?.contains("kafka.group.state") == true, "\(warning ?? "")")
            #expect(rejoins() >= 2, "\(log.suffix(3000))")
            squatter.stop()
            await squatter.shutdown()
            _ = try? await polling.value
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    /// A member that owns nothing because the group has more members than partitions is idle on purpose: it says
    /// so once, at info, and stays the member it is.
    @Test func anIdleMemberOfAStableGroupStays() async throws {
        let harness = try await SuiteHarness.start(
            extraEnvironment: ["CONNECTAS_KAFKA_REJOIN_AFTER_SECONDS": "15"], replicas: 1, partitions: 1)
        do {
            try await harness.startExtra("audit-writer#2", readyWithin: nil)
            try await Task.sleep(for: .seconds(25))
            let logs = harness.log(of: "audit-writer") + harness.log(of: "audit-writer#2")
            #expect(!logs.contains("leaving to join again"), "\(logs.suffix(3000))")
            #expect(logs.contains("its group has more members than partitions"), "\(logs.suffix(3000))")
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }
}
