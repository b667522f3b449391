import CLibSSH2

/// Owns one `LIBSSH2_CHANNEL` of a non-blocking session.
///
/// Not Sendable, like its session, for the same reason: it lives and dies on the connection's loop thread. It holds
/// its session strongly so the session is freed only after every channel.
final class LibSSH2Channel {
    let raw: OpaquePointer
    let session: LibSSH2Session
    private var freed = false

    init(raw: OpaquePointer, session: LibSSH2Session) {
        self.raw = raw
        self.session = session
    }

    deinit {
        // Normally freed already; otherwise the connection is being torn down and its socket shut, so this cannot
        // wait. If libssh2 still says EAGAIN, libssh2_session_free frees the channel.
        if !freed { _ = libssh2_channel_free(raw) }
    }

    private func outcome(_ rc: Int) -> LibSSH2Outcome<Int> {
        if rc >= 0 { return .done(rc) }
        if rc == Int(LIBSSH2_ERROR_EAGAIN) { return .wouldBlock }
        return .failed(session.failure(Int32(truncatingIfNeeded: rc)))
    }

    private func outcome(_ rc: Int32) -> LibSSH2Outcome<Void> { session.outcome(rc) }

    func exec(_ command: [UInt8]) -> LibSSH2Outcome<Void> {
        let rc = command.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) {
                cx_libssh2_channel_exec(raw, $0.baseAddress, UInt32($0.count))
            }
        }
        return outcome(rc)
    }

    /// Writes at most one packet's worth of `bytes` to stdin; returns how many were taken (0: the server's window
    /// is full, wait for it to read).
    func write(_ bytes: UnsafeRawBufferPointer) -> LibSSH2Outcome<Int> {
        outcome(cx_libssh2_channel_write(raw, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), bytes.count))
    }

    /// libssh2 1.10 builds the EOF packet on its stack, and finishes a half-sent one only if the retry passes the
    /// same address: never inlined, so a retry through the same path has the same stack layout.
    @inline(never)
    func sendEOF() -> LibSSH2Outcome<Void> {
        outcome(libssh2_channel_send_eof(raw))
    }

    /// Reads what has arrived on stdout or stderr; 0 when nothing is left and the server sent EOF.
    func read(stderr: Bool, into buffer: UnsafeMutableRawBufferPointer) -> LibSSH2Outcome<Int> {
        let pointer = buffer.baseAddress?.assumingMemoryBound(to: CChar.self)
        let rc =
            stderr
            ? cx_libssh2_channel_read_stderr(raw, pointer, buffer.count)
            : cx_libssh2_channel_read(raw, pointer, buffer.count)
        return outcome(rc)
    }

    /// libssh2's receive window for this channel, and whether a read of `length` bytes would first send the
    /// server a window adjustment (libssh2 1.10 does so when the window is below 3/4 of its size plus `length`).
    func receiveWindow(forReading length: Int) -> (window: UInt, adjustsFirst: Bool) {
        var initial: UInt = 0
        let window = libssh2_channel_window_read_ex(raw, nil, &initial)
        return (window, window < initial / 4 * 3 + UInt(length))
    }

    /// True once the server sent EOF and every byte before it has been read.
    var isEOF: Bool { libssh2_channel_eof(raw) == 1 }

    /// Processes incoming packets until the server's EOF; sends nothing of its own.
    func waitEOF() -> LibSSH2Outcome<Void> { outcome(libssh2_channel_wait_eof(raw)) }

    /// Processes incoming packets until the server closes the channel (only after its EOF); sends nothing of its own.
    func waitClosed() -> LibSSH2Outcome<Void> { outcome(libssh2_channel_wait_closed(raw)) }

    /// Sends EOF (if not yet sent, from libssh2's stack as in ``sendEOF()``) and CLOSE.
    @inline(never)
    func close() -> LibSSH2Outcome<Void> { outcome(libssh2_channel_close(raw)) }

    func free() -> LibSSH2Outcome<Void> {
        let result = outcome(libssh2_channel_free(raw))
        if case .done = result { freed = true }
        return result
    }

    var exitStatus: Int32 { libssh2_channel_get_exit_status(raw) }

    var exitSignal: String? {
        var name: UnsafeMutablePointer<CChar>?
        var length = 0
        guard libssh2_channel_get_exit_signal(raw, &name, &length, nil, nil, nil, nil) == 0, let name else {
            return nil
        }
        defer { libssh2_free(session.raw, name) }
        return String(cString: name)
    }
}
