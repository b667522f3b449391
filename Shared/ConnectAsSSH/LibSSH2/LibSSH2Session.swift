import CLibSSH2

/// Owns one `LIBSSH2_SESSION` in non-blocking mode, and the socket under it.
///
/// libssh2 sessions are not thread-safe. This class is deliberately not Sendable: a ``ConnectionLoop`` creates it,
/// drives it and frees it on the connection's own thread, and the compiler keeps it from leaving that thread.
final class LibSSH2Session {
    let raw: OpaquePointer
    let socket: TCPSocket

    init(socket: TCPSocket) throws(SSHError) {
        try LibSSH2.initialize()
        guard let raw = cx_libssh2_session_init() else {
            throw SSHError(.connectFailed, "libssh2 could not allocate a session")
        }
        self.raw = raw
        self.socket = socket
        libssh2_session_set_blocking(raw, 0)
        // OpenSSH's own client order, so the key verified is the one `ssh` and `ssh-keyscan` show first.
        // rsa-sha2-* is missing because libssh2 1.10 cannot verify it; libssh2 skips names it does not know.
        _ = libssh2_session_method_pref(
            raw, LIBSSH2_METHOD_HOSTKEY,
            "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,ssh-rsa")
    }

    deinit {
        // Channels hold this object, so they are gone by now. A socket already shut down makes any goodbye
        // libssh2 still tries fail at once; blocking mode with a short timeout makes sure it frees everything.
        socket.shutdownBothWays()
        libssh2_session_set_blocking(raw, 1)
        libssh2_session_set_timeout(raw, 1000)
        libssh2_session_free(raw)
    }

    func failure(_ code: Int32) -> LibSSH2Failure {
        var message: UnsafeMutablePointer<CChar>?
        var length: Int32 = 0
        let last = libssh2_session_last_error(raw, &message, &length, 0)
        let text = message.map { String(cString: $0) } ?? ""
        return LibSSH2Failure(code: code == 0 ? last : code, message: text)
    }

    func outcome(_ rc: Int32) -> LibSSH2Outcome<Void> {
        if rc == 0 { return .done(()) }
        if rc == LIBSSH2_ERROR_EAGAIN { return .wouldBlock }
        return .failed(failure(rc))
    }

    /// The directions libssh2 waits for (LIBSSH2_SESSION_BLOCK_INBOUND / _OUTBOUND).
    var blockDirections: Int32 { libssh2_session_block_directions(raw) }

    /// A packet is half-sent. libssh2 1.10 can finish it only through the same call that started it, and fails any
    /// other packet meanwhile (`send_existing`), so the loop retries that one call before anything else.
    var outboundBlocked: Bool { blockDirections & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0 }

    func handshake() -> LibSSH2Outcome<Void> {
        outcome(libssh2_session_handshake(raw, socket.fd))
    }

    /// The SHA-256 digest of the server's host key and the key's type, available once the handshake is done.
    func hostKey() -> (digest: [UInt8], type: String)? {
        guard let hash = libssh2_hostkey_hash(raw, LIBSSH2_HOSTKEY_HASH_SHA256) else { return nil }
        let digest = UnsafeRawPointer(hash).withMemoryRebound(to: UInt8.self, capacity: 32) {
            Array(UnsafeBufferPointer(start: $0, count: 32))
        }
        var length = 0
        var type: Int32 = 0
        _ = libssh2_session_hostkey(raw, &length, &type)
        let names: [Int32: String] = [
            LIBSSH2_HOSTKEY_TYPE_RSA: "RSA", LIBSSH2_HOSTKEY_TYPE_DSS: "DSA",
            LIBSSH2_HOSTKEY_TYPE_ECDSA_256: "ECDSA-256", LIBSSH2_HOSTKEY_TYPE_ECDSA_384: "ECDSA-384",
            LIBSSH2_HOSTKEY_TYPE_ECDSA_521: "ECDSA-521", LIBSSH2_HOSTKEY_TYPE_ED25519: "ED25519",
        ]
        return (digest, names[type] ?? "unknown")
    }

    /// Public-key authentication; the public key is derived from the private one.
    func authenticate(user: String, privateKey: [UInt8], passphrase: String?) -> LibSSH2Outcome<Void> {
        let userBytes = Array(user.utf8)
        // Never NULL: libssh2 1.10 hands the passphrase to a callback that calls strlen on it.
        let rc = userBytes.withUnsafeBufferPointer { userPointer in
            privateKey.withUnsafeBufferPointer { keyPointer in
                (passphrase ?? "").withCString { passphrasePointer in
                    userPointer.withMemoryRebound(to: CChar.self) { userChars in
                        keyPointer.withMemoryRebound(to: CChar.self) { keyChars in
                            libssh2_userauth_publickey_frommemory(
                                raw, userChars.baseAddress, userChars.count, nil, 0, keyChars.baseAddress,
                                keyChars.count, passphrasePointer)
                        }
                    }
                }
            }
        }
        return outcome(rc)
    }

    func openChannel() -> LibSSH2Outcome<LibSSH2Channel> {
        guard let channel = cx_libssh2_channel_open_session(raw) else {
            let rc = libssh2_session_last_errno(raw)
            return rc == LIBSSH2_ERROR_EAGAIN ? .wouldBlock : .failed(failure(rc))
        }
        return .done(LibSSH2Channel(raw: channel, session: self))
    }

    func configureKeepAlive(intervalSeconds: UInt32) {
        // No reply wanted: nothing reads replies while the connection is idle, and they would pile up in libssh2.
        libssh2_keepalive_config(raw, 0, intervalSeconds)
    }

    /// Sends a keep-alive if one is due; returns the seconds until the next one.
    func sendKeepAlive() -> LibSSH2Outcome<Int32> {
        var next: Int32 = 0
        let rc = libssh2_keepalive_send(raw, &next)
        return rc == 0 ? .done(next) : .failed(failure(rc))
    }

    /// Says goodbye to the server, without waiting for the socket.
    func disconnect() {
        _ = cx_libssh2_session_disconnect(raw, "closing")
    }
}
