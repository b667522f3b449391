import CLibSSH2
import Foundation

/// One command on one channel, advanced a step at a time by the connection loop; no call here ever blocks.
///
/// libssh2 1.10 keeps one half-sent packet per session and finishes it only through the call that started it
/// (any other packet fails with LIBSSH2_ERROR_BAD_USE meanwhile). So after every call the operation looks at the
/// session's outbound flag: if its own call left a packet half-sent it remembers that call (``pendingCall``) and
/// the loop repeats it, alone, once the socket is writable; if the stuck packet is one libssh2 sent by itself (a
/// reply to the server), the loop pumps input until it is out.
final class ExecOperation {
    enum State {
        case starting, running, closing
        /// The server did not answer our CLOSE within the grace period: OpenSSH answers only once the command
        /// exits, and libssh2 1.10 frees a channel only after an answer (or any other packet) arrives. The channel
        /// no longer counts against the connection's limit; it is freed when input finally comes.
        case abandoned
        case done
    }

    enum Call {
        case exec, write, sendEOF, read, waitClosed
        case close, awaitRemoteClose, free
    }

    enum Step {
        /// Something moved; step again before polling.
        case progressed
        /// Waiting for the server.
        case idle
        /// ``pendingCall`` left a packet half-sent: repeat it alone once the socket is writable.
        case outboundBlocked
        /// A packet libssh2 sent by itself is half-sent: the loop must pump input until it is out.
        case sessionPacketPending
        /// Writing would block; poll for writability.
        case awaitingWritable
        /// The connection failed.
        case failed(LibSSH2Failure)
    }

    /// How long a cancelled or timed-out command's channel may take to close before it is dropped regardless.
    static let closeGrace: Duration = .seconds(2)

    let request: ExecRequest?
    let channel: LibSSH2Channel
    private(set) var state: State
    private(set) var pendingCall: Call?
    /// The exec request may have reached the server (so the command may have run).
    private(set) var commandSent = false
    private var stdout = Data()
    private var stderr = Data()
    private var stdinOffset = 0
    private var eofSent = false
    private var remoteClosed = false
    private var aborted = false
    private var closeStage = Call.close
    private(set) var closeDeadline: ContinuousClock.Instant?
    private let maxOutputBytes: Int
    /// Set while the call in ``pendingCall`` is being repeated.
    private var retrying = false

    /// A channel for `request`, or with no request (its caller gave up while it opened) only to be closed.
    init(request: ExecRequest?, channel: LibSSH2Channel, maxOutputBytes: Int) {
        self.request = request
        self.channel = channel
        self.maxOutputBytes = maxOutputBytes
        if request == nil {
            state = .closing
            aborted = true
            closeDeadline = .now + Self.closeGrace
        } else {
            state = .starting
        }
    }

    /// The caller still waits for this command.
    var isAwaited: Bool { request.map { !$0.isFinished } ?? false }

    /// Answers the caller with `error` now and closes the channel as soon as no packet of it is half-sent.
    func abort(_ error: any Error) {
        request?.finish(.failure(error))
        aborted = true
    }

    /// Never inlined, so that repeating a call through the loop's two call sites uses the same stack layout (see
    /// ``LibSSH2Channel/sendEOF()``).
    @inline(never)
    func step(buffer: UnsafeMutableRawBufferPointer) -> Step {
        if aborted, pendingCall == nil, state == .starting || state == .running {
            state = .closing
            closeStage = .close
            closeDeadline = .now + Self.closeGrace
        }
        retrying = pendingCall != nil
        switch state {
        case .starting: return stepStarting()
        case .running: return stepRunning(buffer: buffer)
        case .closing: return stepClosing()
        case .abandoned: return stepAbandoned()
        case .done: return .idle
        }
    }

    /// Lets libssh2 read input (and so finish a reply it is sending by itself) without sending anything of ours.
    func pump() -> LibSSH2Outcome<Void>? {
        guard state == .running || state == .closing, !remoteClosed else { return nil }
        switch channel.waitEOF() {
        case .done: return channel.waitClosed()
        case let other: return other
        }
    }

    // MARK: States

    private func stepStarting() -> Step {
        pendingCall = nil
        commandSent = true
        switch handle(.exec, channel.exec(request?.command ?? [])) {
        case .value(_, let thenStop):
            state = .running
            return thenStop ? .sessionPacketPending : .progressed
        case .wait:
            return .idle
        case .stop(let step):
            return step
        case .channelFailure(let failure):
            if failure.isPendingPacketConflict {
                // Nothing went out, but libssh2 marks the channel unusable after a failed request.
                commandSent = false
                fail(
                    SSHError(
                        .channelFailed, "could not send the command", libssh2: failure, retryOnFreshConnection: true))
                return .sessionPacketPending
            }
            fail(SSHError(.channelFailed, "the server refused to run the command", libssh2: failure, retriable: false))
            return .progressed
        }
    }

    private func stepRunning(buffer: UnsafeMutableRawBufferPointer) -> Step {
        var progressed = false
        let order: [Call] = [.write, .sendEOF, .read, .waitClosed]
        let first = pendingCall.flatMap { order.firstIndex(of: $0) } ?? 0
        pendingCall = nil
        for call in order[first...] {
            let step: Step?
            switch call {
            case .write: step = writeStdin(&progressed)
            case .sendEOF: step = sendEOFIfDone(&progressed)
            case .read: step = readOutput(buffer: buffer, &progressed)
            default: step = finishIfClosed(&progressed)
            }
            if let step { return step }
            if state != .running { return .progressed }
        }
        return progressed ? .progressed : .idle
    }

    private func writeStdin(_ progressed: inout Bool) -> Step? {
        guard let stdin = request?.stdin else { return nil }
        while stdinOffset < stdin.count {
            let outcome = stdin.withUnsafeBytes { bytes in
                channel.write(UnsafeRawBufferPointer(rebasing: bytes[stdinOffset...]))
            }
            switch handle(.write, outcome) {
            case .value(let written, let thenStop):
                stdinOffset += written
                if written > 0 { progressed = true }
                if thenStop { return .sessionPacketPending }
                if written == 0 { return nil }  // the server's window is full; it will adjust it once it reads
            case .wait: return nil
            case .stop(let step): return step
            case .channelFailure(let failure): return failChannel(failure)
            }
        }
        return nil
    }

    private func sendEOFIfDone(_ progressed: inout Bool) -> Step? {
        guard !eofSent, stdinOffset >= (request?.stdin.count ?? 0) else { return nil }
        // Sent only into a socket with room, so it goes out whole (see LibSSH2Channel.sendEOF).
        guard retrying || channel.session.socket.isWritable else { return .awaitingWritable }
        switch handle(.sendEOF, channel.sendEOF()) {
        case .value(_, let thenStop):
            eofSent = true
            progressed = true
            return thenStop ? .sessionPacketPending : nil
        case .wait: return nil
        case .stop(let step): return step
        case .channelFailure(let failure): return failChannel(failure)
        }
    }

    /// Reads both streams until neither has anything more, so a command that writes a lot before reading its
    /// stdin never waits on us.
    private func readOutput(buffer: UnsafeMutableRawBufferPointer, _ progressed: inout Bool) -> Step? {
        for isStderr in [false, true] {
            reading: while true {
                // A read may first send a window adjustment; if that is what gets stuck, the same read must be
                // repeated (it recomputes the adjustment and counts it); otherwise the stuck packet is libssh2's own.
                let before = channel.receiveWindow(forReading: buffer.count)
                let outcome = channel.read(stderr: isStderr, into: buffer)
                let ownAdjustmentStuck =
                    before.adjustsFirst
                    && channel.receiveWindow(forReading: buffer.count).window == before.window
                switch handle(.read, outcome, ownsPendingPacket: ownAdjustmentStuck) {
                case .value(let count, let thenStop):
                    if count > 0 {
                        progressed = true
                        let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
                        if isStderr { stderr.append(contentsOf: chunk) } else { stdout.append(contentsOf: chunk) }
                        if max(stdout.count, stderr.count) > maxOutputBytes {
                            let stream = isStderr ? "stderr" : "stdout"
                            abort(
                                SSHError(
                                    .outputTooLarge, "the command wrote more than \(maxOutputBytes) bytes on \(stream)")
                            )
                        }
                    }
                    if thenStop { return .sessionPacketPending }
                    if count == 0 || aborted { break reading }
                case .wait: break reading
                case .stop(let step): return step
                case .channelFailure(let failure): return failChannel(failure)
                }
            }
        }
        return nil
    }

    private func finishIfClosed(_ progressed: inout Bool) -> Step? {
        // The server sends its CLOSE after the exit status, so waiting for it makes the status certain.
        guard !aborted, channel.isEOF else { return nil }
        switch handle(.waitClosed, channel.waitClosed(), ownsPendingPacket: false) {
        case .value(_, let thenStop):
            remoteClosed = true
            progressed = true
            request?.finish(
                .success(
                    SSHExecResult(
                        stdout: stdout, stderr: stderr, exitStatus: channel.exitStatus, exitSignal: channel.exitSignal))
            )
            stdout = Data()
            stderr = Data()
            state = .closing
            closeStage = .close
            return thenStop ? .sessionPacketPending : nil
        case .wait: return nil
        case .stop(let step): return step
        case .channelFailure(let failure): return failChannel(failure)
        }
    }

    /// Sends our CLOSE, gives the server a moment to answer with its own (so its session slot is free before we
    /// open another channel), then frees the channel.
    private func stepClosing() -> Step {
        var progressed = false
        pendingCall = nil
        while state == .closing {
            switch closeStage {
            case .close:
                guard retrying || channel.session.socket.isWritable else {
                    return progressed ? .progressed : .awaitingWritable
                }
                switch handle(.close, channel.close()) {
                case .value(_, let thenStop):
                    closeStage = remoteClosed ? .free : .awaitRemoteClose
                    progressed = true
                    if thenStop { return .sessionPacketPending }
                case .wait:
                    // Our CLOSE is out; libssh2 now waits for input before it calls the channel closed.
                    if let closeDeadline, ContinuousClock.now >= closeDeadline {
                        state = .abandoned
                        return .progressed
                    }
                    return progressed ? .progressed : .idle
                case .stop(let step): return step
                case .channelFailure: closeStage = .free
                }
            case .awaitRemoteClose:
                if let closeDeadline, ContinuousClock.now >= closeDeadline {
                    closeStage = .free
                    continue
                }
                switch handle(.awaitRemoteClose, pump() ?? .done(()), ownsPendingPacket: false) {
                case .value(_, let thenStop):
                    remoteClosed = true
                    closeStage = .free
                    progressed = true
                    if thenStop { return .sessionPacketPending }
                case .wait: return progressed ? .progressed : .idle
                case .stop(let step): return step
                case .channelFailure: closeStage = .free
                }
            default:
                switch handle(.free, channel.free()) {
                case .value(_, let thenStop):
                    state = .done
                    return thenStop ? .sessionPacketPending : .progressed
                case .wait: return progressed ? .progressed : .idle
                case .stop(let step): return step
                case .channelFailure: state = .done
                }
            }
        }
        return .progressed
    }

    private func stepAbandoned() -> Step {
        pendingCall = nil
        switch handle(.free, channel.free()) {
        case .value(_, let thenStop):
            state = .done
            return thenStop ? .sessionPacketPending : .progressed
        case .wait: return .idle
        case .stop(let step): return step
        case .channelFailure:
            state = .done
            return .progressed
        }
    }

    // MARK: Helpers

    private enum Flow<Value> {
        /// The call succeeded; `thenStop` when libssh2 left a packet of its own half-sent meanwhile.
        case value(Value, thenStop: Bool)
        case wait
        case stop(Step)
        case channelFailure(LibSSH2Failure)
    }

    /// Classifies a call's outcome. `ownsPendingPacket` says whether a half-sent packet after EAGAIN is the call's
    /// own (repeat the call) or one libssh2 sent by itself while reading (pump input).
    private func handle<Value>(
        _ call: Call, _ outcome: LibSSH2Outcome<Value>, ownsPendingPacket: Bool = true
    ) -> Flow<Value> {
        let session = channel.session
        let wasRetrying = retrying
        retrying = false
        switch outcome {
        case .done(let value):
            return .value(value, thenStop: session.outboundBlocked)
        case .wouldBlock:
            guard session.outboundBlocked else { return .wait }
            guard ownsPendingPacket else { return .stop(.sessionPacketPending) }
            pendingCall = call
            return .stop(.outboundBlocked)
        case .failed(let failure):
            if failure.isChannelLevel || (failure.isPendingPacketConflict && call == .exec && !wasRetrying) {
                return .channelFailure(failure)
            }
            // Another packet is half-sent; nothing of this call went out, so it can be made again later. But if
            // repeating our own half-sent packet conflicts, libssh2 lost track of it and the session is unusable.
            if failure.isPendingPacketConflict && !wasRetrying { return .stop(.sessionPacketPending) }
            return .stop(.failed(failure))
        }
    }

    private func failChannel(_ failure: LibSSH2Failure) -> Step {
        fail(SSHError(.channelFailed, "the channel failed", libssh2: failure))
        return .progressed
    }

    private func fail(_ error: SSHError) {
        abort(error)
        state = .closing
        closeStage = .close
        closeDeadline = .now + Self.closeGrace
    }
}
