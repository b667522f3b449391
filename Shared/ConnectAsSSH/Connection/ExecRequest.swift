import Foundation
import Synchronization

/// One exec call on its way from the caller's task to a connection loop, and its answer on the way back.
final class ExecRequest: Sendable {
    let command: [UInt8]
    let stdin: Data
    let timeout: Duration
    let deadline: ContinuousClock.Instant

    private struct State {
        var continuation: CheckedContinuation<SSHExecResult, any Error>?
        var finished = false
        var cancelled = false
    }

    private let state = Mutex(State())

    /// `timeout` is the caller's, for messages; `deadline` may be earlier when this is a second attempt.
    init(command: String, stdin: Data, timeout: Duration, deadline: ContinuousClock.Instant) {
        self.command = Array(command.utf8)
        self.stdin = stdin
        self.timeout = timeout
        self.deadline = deadline
    }

    /// Hands the request to `connection` and waits for the loop to finish it.
    func run(on connection: SSHConnection) async throws -> SSHExecResult {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                state.withLock { $0.continuation = continuation }
                if let refusal = connection.submit(self) { finish(.failure(refusal)) }
            }
        } onCancel: {
            state.withLock { $0.cancelled = true }
            connection.waker.wake()
        }
    }

    var isCancelled: Bool { state.withLock { $0.cancelled } }
    var isFinished: Bool { state.withLock { $0.finished } }

    /// Resumes the caller; later calls do nothing, so a timeout and a late result cannot both answer.
    func finish(_ result: Result<SSHExecResult, any Error>) {
        let continuation = state.withLock { state -> CheckedContinuation<SSHExecResult, any Error>? in
            guard !state.finished else { return nil }
            state.finished = true
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(with: result)
    }
}
