import ConnectAsKafka
import Logging
import Metrics
import Synchronization

/// Raised by the watchdog before it stops the consumer, so that the consumer's loop knows it is leaving to rejoin.
final class RejoinRequest: Sendable {
    private let raised = Mutex(false)
    func raise() { raised.withLock { $0 = true } }
    var isRaised: Bool { raised.withLock { $0 } }
}

/// Notices a consumer left out of its group. A member may own nothing on purpose: the group's SyncGroup gave it an
/// empty assignment because there are more members than partitions (logged once, at info). A member that got no
/// assignment at all, not even an empty one, for longer than `limit` since it was created or a rebalance began is
/// in a group that lost track of it or is stuck rebalancing (seen on Tansu after every replica of a service was
/// restarted: JoinGroup named a departed member as leader and SyncGroup answered "rebalance in progress" for good).
/// Then it logs a warning with what the coordinator says of the group and stops the consumer, and
/// ``ConsumerService`` joins again with a fresh one.
struct UnassignedWatchdog {
    let consumer: KafkaConsumer
    let limit: Duration
    let request: RejoinRequest
    let logger: Logger

    /// Returns true when it stopped the consumer to rejoin, false when cancelled.
    func watch() async -> Bool {
        var reportedIdle = false
        let interval = min(.seconds(5), limit / 2)
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            guard !Task.isCancelled else { return false }
            guard let since = consumer.joinPendingSince else {
                if consumer.isAssigned {
                    reportedIdle = false
                } else if !reportedIdle {
                    logger.info("consumer owns no partition: its group has more members than partitions")
                    reportedIdle = true
                }
                continue
            }
            guard ContinuousClock.now - since >= limit else { continue }
            let group: String
            do {
                let description = try await consumer.describeGroup()
                // A coordinator that counts this member in a stable group has it: the assign callback is only
                // late (served from a poll), so there is nothing to rejoin.
                if let description, description.state == "Stable", description.includesThisMember { continue }
                group = description?.description ?? "not listed by the group coordinator"
            } catch {
                group = "could not be described (\(error))"
            }
            guard !Task.isCancelled else { return false }
            logger.warning(
                "consumer has had no assignment from its group for \(ContinuousClock.now - since); leaving to join again",
                metadata: ["kafka.group.state": "\(group)", "kafka.rejoin.after": "\(limit)"])
            Counter(label: "connectas_consumer_rejoins_total").increment()
            request.raise()
            consumer.stop()
            return true
        }
        return false
    }
}
