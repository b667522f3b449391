#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// poll(2) on a connection's socket and its waker, until `deadline` at the latest.
struct PollResult {
    var socketEvents: Int16 = 0
    var woken = false
}

func pollSocket(
    _ fd: Int32?, events: Int16, waker: Waker, until deadline: ContinuousClock.Instant?
) -> PollResult {
    var fds = [pollfd(fd: waker.readFD, events: Int16(POLLIN), revents: 0)]
    if let fd { fds.append(pollfd(fd: fd, events: events, revents: 0)) }
    let timeout: Int32
    if let deadline {
        let remaining = ContinuousClock.now.duration(to: deadline)
        if remaining <= .zero {
            timeout = 0
        } else {
            let (seconds, attoseconds) = remaining.components
            let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
            timeout = Int32(clamping: milliseconds)
        }
    } else {
        timeout = -1
    }
    let rc = poll(&fds, nfds_t(fds.count), timeout)
    var result = PollResult()
    guard rc > 0 else { return result }  // timeout, or EINTR: the loop looks at everything again anyway
    if fds[0].revents != 0 {
        result.woken = true
        waker.drain()
    }
    if fds.count > 1 { result.socketEvents = fds[1].revents }
    return result
}
