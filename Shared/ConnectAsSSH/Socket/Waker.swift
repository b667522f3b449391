import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A self-pipe that interrupts the connection loop's poll() when a caller submits work or cancels it.
///
/// Sendable: the two descriptors never change, and pipe reads and writes are thread-safe in the kernel.
final class Waker: Sendable {
    let readFD: Int32
    private let writeFD: Int32

    init() {
        var fds: [Int32] = [-1, -1]
        let rc = pipe(&fds)
        precondition(rc == 0, "pipe() failed: \(errnoDescription(errno))")
        makeNonBlockingCloseOnExec(fds[0])
        makeNonBlockingCloseOnExec(fds[1])
        readFD = fds[0]
        writeFD = fds[1]
    }

    deinit {
        close(readFD)
        close(writeFD)
    }

    func wake() {
        var byte: UInt8 = 1
        // A full pipe already holds a wake-up; nothing is lost when this write fails.
        _ = write(writeFD, &byte, 1)
    }

    /// Empties the pipe, on the loop's thread.
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readFD, &buffer, buffer.count) > 0 {}
    }
}
