#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The text of an errno value.
func errnoDescription(_ code: Int32) -> String {
    String(cString: strerror(code))
}

/// Sets O_NONBLOCK and FD_CLOEXEC: every descriptor here is polled, and none may leak into child processes.
func makeNonBlockingCloseOnExec(_ fd: Int32) {
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    _ = fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC)
}
