import Synchronization

/// The consumer's mutable state, shared by the application's tasks and the thread that polls librdkafka (which
/// also runs the rebalance callback).
final class ConsumerState: Sendable {
    enum Phase {
        case running
        /// No more messages are handed out; the one being processed may still be committed.
        case stopping
        /// The group was left; the handle only waits to be destroyed.
        case closed
    }

    enum Take {
        case message(KafkaConsumerMessage)
        case empty
        case finished
    }

    private struct State {
        var phase = Phase.running
        /// Fetched messages not yet handed out, oldest first, from `bufferStart`.
        var buffer: [KafkaConsumerMessage] = []
        var bufferStart = 0
        var assignment: Set<KafkaTopicPartition> = []
        /// Since when the member has been without a generation of its group: created, or its partitions revoked
        /// (a rebalance began), and no assignment since, not even an empty one. Nil once the group's SyncGroup
        /// handed it an assignment, which for a member of a group with more members than partitions is empty.
        var joinPendingSince: ContinuousClock.Instant? = .now
        /// A message was handed out and the application has not asked for the next one (nor ended its loop).
        var inFlight = false
        var idleWaiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextWaiterID: UInt64 = 0
    }

    private let state = Mutex(State())

    var phase: Phase { state.withLock { $0.phase } }

    var assignment: Set<KafkaTopicPartition> { state.withLock { $0.assignment } }

    var joinPendingSince: ContinuousClock.Instant? { state.withLock { $0.joinPendingSince } }

    /// The next buffered message (now in flight), or why there is none.
    func take() -> Take {
        state.withLock { state in
            guard state.phase == .running else { return .finished }
            guard state.bufferStart < state.buffer.count else { return .empty }
            let message = state.buffer[state.bufferStart]
            state.bufferStart += 1
            if state.bufferStart == state.buffer.count {
                state.buffer.removeAll(keepingCapacity: true)
                state.bufferStart = 0
            }
            state.inFlight = true
            return .message(message)
        }
    }

    func append(_ message: KafkaConsumerMessage) {
        state.withLock { state in
            // Once stopping, nothing more is handed out: the message stays uncommitted for the next run.
            guard state.phase == .running else { return }
            state.buffer.append(message)
        }
    }

    /// The application is done with the message it was given (it asked for another, or left its loop).
    func markIdle() {
        let waiters = state.withLock { state in
            state.inFlight = false
            defer { state.idleWaiters.removeAll() }
            return Array(state.idleWaiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    func stop() {
        state.withLock { state in
            if state.phase == .running { state.phase = .stopping }
            state.buffer.removeAll()
            state.bufferStart = 0
        }
    }

    func close() {
        state.withLock { state in
            state.phase = .closed
            state.assignment.removeAll()
        }
    }

    /// Records a new assignment (eager: all of it; cooperative: the partitions added).
    func assigned(_ partitions: [KafkaTopicPartition], incremental: Bool) {
        state.withLock { state in
            if !incremental { state.assignment.removeAll() }
            state.assignment.formUnion(partitions)
            state.joinPendingSince = nil
        }
    }

    /// Forgets revoked partitions, and drops their buffered messages: they were not handed out, so not processed,
    /// and the partition's next owner reads them from the committed offset.
    func revoked(_ partitions: [KafkaTopicPartition]) {
        let revoked = Set(partitions)
        state.withLock { state in
            state.assignment.subtract(revoked)
            if state.joinPendingSince == nil { state.joinPendingSince = .now }
            state.buffer = state.buffer[state.bufferStart...].filter { !revoked.contains($0.topicPartition) }
            state.bufferStart = 0
        }
    }

    /// Returns true once no message is in flight, or false when `timeout` passes first.
    func waitUntilIdle(timeout: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await self.idle()
                return true
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? true
            group.cancelAll()
            return first
        }
    }

    private func idle() async {
        let id = state.withLock { state in
            defer { state.nextWaiterID += 1 }
            return state.nextWaiterID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    // Checked under the lock so a cancellation that came first is never missed.
                    guard state.inFlight, !Task.isCancelled else { return true }
                    state.idleWaiters[id] = waiter
                    return false
                }
                if resumeNow { waiter.resume() }
            }
        } onCancel: {
            state.withLock { $0.idleWaiters.removeValue(forKey: id) }?.resume()
        }
    }
}
