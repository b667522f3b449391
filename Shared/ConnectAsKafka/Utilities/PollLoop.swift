import ConnectAsBlocking
import Synchronization

/// Calls `poll` over and over on a dispatch queue of its own until stopped.
///
/// librdkafka only runs delivery-report callbacks inside a poll call; a loop on its own queue keeps those calls
/// (which block for up to their timeout) off Swift's cooperative pool.
final class PollLoop: Sendable {
    private final class StopFlag: Sendable {
        let value = Atomic<Bool>(false)
    }

    private let stopFlag = StopFlag()
    private let finished: Task<Void, Never>

    init(label: String, poll: @escaping @Sendable () -> Void) {
        let queue = BlockingQueue(label: label)
        let stopFlag = self.stopFlag
        finished = Task {
            await queue.run {
                while !stopFlag.value.load(ordering: .acquiring) { poll() }
            }
        }
    }

    /// Asks the loop to end after its current poll, without waiting (for `deinit`).
    func requestStop() {
        stopFlag.value.store(true, ordering: .releasing)
    }

    /// Ends the loop and waits until its last poll has returned.
    func stop() async {
        requestStop()
        await finished.value
    }
}
