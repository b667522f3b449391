import CLibSSH2
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Establishes one SSH connection a step at a time (TCP connect, handshake, host-key check, authentication), so
/// the loop can keep answering callers while it waits; all of it within one deadline.
final class Connector {
    enum Step {
        case wait(events: Int16)
        case established(LibSSH2Session)
        case failed(SSHError)
    }

    private enum Stage {
        case start
        case tcpConnect(addresses: [TCPSocket.Address], index: Int, socket: TCPSocket)
        case handshake(LibSSH2Session)
        case authenticate(LibSSH2Session, key: SecretBytes)
        case backoff(until: ContinuousClock.Instant)
    }

    /// OpenSSH drops new connections at random once `MaxStartups` unauthenticated ones are pending (10 by
    /// default), which a burst of connections to one server easily reaches. Such a drop, before the server's
    /// banner, is retried a few times within the deadline; nothing has been sent to the server at that point.
    private static let earlyDropRetries = 3

    let deadline: ContinuousClock.Instant
    private let target: SSHTarget
    private let credentials: SSHCredentials
    private let timeout: Duration
    private let logger: Logger
    private var stage = Stage.start
    private var pinnedDigest: [UInt8] = []
    private var addresses: [TCPSocket.Address] = []
    private var connectErrors: [String] = []
    private var earlyDrops = 0

    init(target: SSHTarget, credentials: SSHCredentials, timeout: Duration, logger: Logger) {
        self.target = target
        self.credentials = credentials
        self.timeout = timeout
        self.deadline = .now + timeout
        self.logger = logger
    }

    /// The descriptor to poll while waiting.
    var socketFD: Int32? {
        switch stage {
        case .start, .backoff: nil
        case .tcpConnect(_, _, let socket): socket.fd
        case .handshake(let session), .authenticate(let session, _): session.socket.fd
        }
    }

    /// When to step again even if the socket says nothing.
    var wakeUp: ContinuousClock.Instant {
        if case .backoff(let until) = stage { return min(until, deadline) }
        return deadline
    }

    /// Advances as far as possible; `socketEvents` are the poll results since the last step.
    func step(socketEvents: Int16) -> Step {
        var socketEvents = socketEvents
        while true {
            if ContinuousClock.now >= deadline { return .failed(timeoutError()) }
            switch stage {
            case .start:
                guard let digest = HostKeyFingerprint.parse(target.hostKeyFingerprint) else {
                    return .failed(
                        SSHError(
                            .invalidHostKeyFingerprint,
                            "the pinned host key fingerprint for \(target) is not SHA256: and the base64 of 32 bytes"))
                }
                pinnedDigest = digest
                do { addresses = try TCPSocket.Address.resolve(host: target.host, port: target.port) } catch {
                    return .failed(error)
                }
                if let failure = startTCPConnect(addresses, from: 0) { return .failed(failure) }

            case .backoff(let until):
                guard ContinuousClock.now >= until else { return .wait(events: 0) }
                connectErrors = []
                if let failure = startTCPConnect(addresses, from: 0) { return .failed(failure) }

            case .tcpConnect(let addresses, let index, let socket):
                let ready = Int16(POLLOUT) | Int16(POLLERR) | Int16(POLLHUP)
                guard socketEvents & ready != 0 else { return .wait(events: Int16(POLLOUT)) }
                socketEvents = 0
                if let error = socket.connectError() {
                    connectErrors.append("\(addresses[index]): \(error)")
                    if let failure = startTCPConnect(addresses, from: index + 1) { return .failed(failure) }
                } else {
                    do { stage = .handshake(try LibSSH2Session(socket: socket)) } catch { return .failed(error) }
                }

            case .handshake(let session):
                switch session.handshake() {
                case .wouldBlock:
                    return .wait(events: events(for: session))
                case .failed(let failure):
                    if let retryAt = retryAfterEarlyDrop(failure) {
                        stage = .backoff(until: retryAt)
                        continue
                    }
                    let permanent = [LIBSSH2_ERROR_KEX_FAILURE, LIBSSH2_ERROR_METHOD_NONE].contains(failure.code)
                    var message = "the SSH handshake with \(target) failed"
                    if failure.code == LIBSSH2_ERROR_KEX_FAILURE && !LibSSH2.signsRSAWithSHA2 {
                        message +=
                            ": no algorithm in common (libssh2 \(LibSSH2.version) cannot verify rsa-sha2 host keys, so"
                            + " a server with only an RSA host key is out of reach)"
                    }
                    return .failed(SSHError(.handshakeFailed, message, libssh2: failure, retriable: !permanent))
                case .done:
                    if let mismatch = verifyHostKey(session) { return .failed(mismatch) }
                    let key: [UInt8]
                    do { key = try credentials.loadPrivateKey() } catch { return .failed(error) }
                    stage = .authenticate(session, key: SecretBytes(key))
                }

            case .authenticate(let session, let key):
                let outcome = session.authenticate(
                    user: target.user, privateKey: key.bytes, passphrase: credentials.passphrase)
                if case .wouldBlock = outcome { return .wait(events: events(for: session)) }
                defer { key.erase() }
                stage = .start
                switch outcome {
                case .wouldBlock, .done:
                    return .established(session)
                case .failed(let failure):
                    return .failed(authenticationError(failure, keyKind: PrivateKeyKind.detect(key.bytes)))
                }
            }
        }
    }

    private func startTCPConnect(_ addresses: [TCPSocket.Address], from index: Int) -> SSHError? {
        for candidate in index..<addresses.count {
            switch TCPSocket.startConnect(to: addresses[candidate]) {
            case .success((let socket, let connected)):
                if connected {
                    do { stage = .handshake(try LibSSH2Session(socket: socket)) } catch { return error }
                } else {
                    stage = .tcpConnect(addresses: addresses, index: candidate, socket: socket)
                }
                return nil
            case .failure(let error):
                connectErrors.append("\(addresses[candidate]): \(error)")
            }
        }
        return SSHError(
            .connectFailed, "cannot connect to \(target.host):\(target.port): " + connectErrors.joined(separator: "; "))
    }

    private func retryAfterEarlyDrop(_ failure: LibSSH2Failure) -> ContinuousClock.Instant? {
        let dropped = [LIBSSH2_ERROR_SOCKET_RECV, LIBSSH2_ERROR_SOCKET_DISCONNECT, LIBSSH2_ERROR_BANNER_RECV]
        guard dropped.contains(failure.code), earlyDrops < Self.earlyDropRetries else { return nil }
        earlyDrops += 1
        let delay = Duration.milliseconds(50 << earlyDrops) + .milliseconds(Int.random(in: 0..<50))
        let retryAt = ContinuousClock.now + delay
        guard retryAt < deadline else { return nil }
        logger.debug(
            "SSH server closed the connection before its banner (MaxStartups?); retrying",
            metadata: ["ssh.attempt": "\(earlyDrops + 1)", SSHLoggingKeys.error: "\(failure)"])
        return retryAt
    }

    /// Checked before authentication, so a server with the wrong key never sees our key or user name.
    private func verifyHostKey(_ session: LibSSH2Session) -> SSHError? {
        guard let (digest, type) = session.hostKey() else {
            return SSHError(.handshakeFailed, "\(target) presented no host key", retriable: false)
        }
        guard HostKeyFingerprint.matches(digest, pinnedDigest) else {
            let expected = HostKeyFingerprint.format(pinnedDigest)
            let actual = HostKeyFingerprint.format(digest)
            logger.warning(
                "SSH host key mismatch: refusing the connection",
                metadata: ["ssh.hostkey.expected": "\(expected)", "ssh.hostkey.actual": "\(actual)"])
            return SSHError(
                .hostKeyMismatch,
                "\(target.host):\(target.port) presented the \(type) host key \(actual), not the pinned \(expected)",
                expectedFingerprint: expected, actualFingerprint: actual)
        }
        return nil
    }

    private func authenticationError(_ failure: LibSSH2Failure, keyKind: PrivateKeyKind) -> SSHError {
        switch failure.code {
        case LIBSSH2_ERROR_AUTHENTICATION_FAILED, LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED:
            var message = "\(target.host):\(target.port) refused \(credentials) for user \(target.user)"
            if keyKind == .rsa && !LibSSH2.signsRSAWithSHA2 {
                message +=
                    "; libssh2 \(LibSSH2.version) signs with RSA keys as ssh-rsa (SHA-1) only, which OpenSSH 8.8 and"
                    + " later refuse: use an ed25519 or ECDSA key"
            }
            return SSHError(.authenticationFailed, message, libssh2: failure)
        case LIBSSH2_ERROR_FILE, LIBSSH2_ERROR_KEYFILE_AUTH_FAILED, LIBSSH2_ERROR_METHOD_NOT_SUPPORTED:
            return SSHError(
                .privateKeyUnusable,
                "cannot use \(credentials): unsupported key format or wrong passphrase", libssh2: failure)
        default:
            return SSHError(.handshakeFailed, "authentication with \(target) failed", libssh2: failure)
        }
    }

    private func timeoutError() -> SSHError {
        let what =
            switch stage {
            case .start, .tcpConnect, .backoff: "the TCP connection was not accepted"
            case .handshake: "the SSH handshake did not finish"
            case .authenticate: "authentication did not finish"
            }
        return SSHError(
            .connectTimeout, "could not connect to \(target.host):\(target.port) within \(timeout.readable): \(what)")
    }

    private func events(for session: LibSSH2Session) -> Int16 {
        let directions = session.blockDirections
        var events: Int16 = 0
        if directions & LIBSSH2_SESSION_BLOCK_INBOUND != 0 { events |= Int16(POLLIN) }
        if directions & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0 { events |= Int16(POLLOUT) }
        return events == 0 ? Int16(POLLIN) : events
    }

}

/// Private key bytes, zeroed once authentication is over (best effort: the caller may hold copies of its own).
final class SecretBytes {
    private(set) var bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func erase() {
        bytes.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices { buffer[index] = 0 }
        }
    }
}
