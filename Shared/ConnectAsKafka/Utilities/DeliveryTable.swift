import Synchronization

/// The callers waiting for a delivery report, keyed by the opaque id each message carries through librdkafka.
final class DeliveryTable: Sendable {
    enum Outcome: Sendable {
        case delivered(KafkaDeliveryReport)
        /// librdkafka's queue was full: nothing was sent, the caller waits a moment and tries again.
        case queueFull
    }

    typealias Waiter = CheckedContinuation<Outcome, any Error>

    private struct State {
        // 0 is never used: it would become a NULL opaque.
        var nextID: UInt = 1
        var waiting: [UInt: Waiter] = [:]
        var closedReason: KafkaError?
    }

    private let state = Mutex(State())

    /// Files `waiter` under a new id, or resumes it with the shutdown error and returns nil once closed.
    func register(_ waiter: Waiter) -> UInt? {
        let registration: Result<UInt, KafkaError> = state.withLock { state in
            if let reason = state.closedReason { return .failure(reason) }
            let id = state.nextID
            state.nextID = state.nextID == .max ? 1 : state.nextID + 1
            state.waiting[id] = waiter
            return .success(id)
        }
        switch registration {
        case .success(let id):
            return id
        case .failure(let refusal):
            waiter.resume(throwing: refusal)
            return nil
        }
    }

    /// Takes the waiter for `id` out of the table (each id is answered once).
    func take(_ id: UInt) -> Waiter? {
        state.withLock { $0.waiting.removeValue(forKey: id) }
    }

    func complete(_ id: UInt, with result: Result<KafkaDeliveryReport, KafkaError>) {
        guard let waiter = take(id) else { return }
        switch result {
        case .success(let report): waiter.resume(returning: .delivered(report))
        case .failure(let error): waiter.resume(throwing: error)
        }
    }

    var outstanding: Int { state.withLock { $0.waiting.count } }

    /// Refuses new messages from now on; messages already handed to librdkafka still get their reports.
    func close(reason: KafkaError) {
        state.withLock { $0.closedReason = $0.closedReason ?? reason }
    }

    /// Fails every caller still waiting (their messages' fate is unknown once the poll loop has stopped).
    func failAll(_ error: KafkaError) {
        let waiters = state.withLock { state in
            defer { state.waiting.removeAll() }
            return Array(state.waiting.values)
        }
        for waiter in waiters { waiter.resume(throwing: error) }
    }
}
