import Dispatch

/// Runs blocking C calls (librdkafka, libpq, libssh2) on a dedicated serial dispatch queue, so they never
/// occupy a thread of Swift's cooperative pool, which has only as many threads as cores.
///
/// Work runs one item at a time in submission order; give each C handle that is not thread-safe its own queue.
public final class BlockingQueue: Sendable {
    private let queue: DispatchQueue

    public init(label: String) {
        self.queue = DispatchQueue(label: label)
    }

    /// Runs `body` on the queue and resumes the caller with its result.
    ///
    /// A blocking call cannot be interrupted by task cancellation; callers bound it with the C library's own timeouts.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Non-throwing variant of ``run(_:)``.
    public func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: body()) }
        }
    }

    /// Runs `body` on the queue without waiting for it (for clean-up from `deinit`).
    public func detach(_ body: @escaping @Sendable () -> Void) {
        queue.async(execute: body)
    }
}
