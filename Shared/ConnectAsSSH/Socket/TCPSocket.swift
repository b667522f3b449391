#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A non-blocking TCP socket; closing it is this object's job (deinit).
///
/// Not Sendable: it is made, used and closed on its connection's loop thread only, like the libssh2 session on it.
final class TCPSocket {
    let fd: Int32

    private init(fd: Int32) {
        self.fd = fd
    }

    deinit {
        close(fd)
    }

    /// A resolved address to try.
    struct Address: CustomStringConvertible {
        var storage: sockaddr_storage
        var length: socklen_t
        var family: Int32
        var description: String

        static func resolve(host: String, port: Int) throws(SSHError) -> [Address] {
            var hints = addrinfo()
            hints.ai_family = AF_UNSPEC
            #if canImport(Darwin)
                hints.ai_socktype = SOCK_STREAM
            #else
                hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            #endif
            hints.ai_protocol = Int32(IPPROTO_TCP)
            var list: UnsafeMutablePointer<addrinfo>?
            // Blocking, and bounded only by the resolver's own timeouts: it runs on the connection's thread.
            let rc = getaddrinfo(host, String(port), &hints, &list)
            guard rc == 0, let list else {
                let reason = rc == EAI_SYSTEM ? errnoDescription(errno) : String(cString: gai_strerror(rc))
                throw SSHError(.connectFailed, "cannot resolve \(host): \(reason)")
            }
            defer { freeaddrinfo(list) }
            var addresses: [Address] = []
            var entry: UnsafeMutablePointer<addrinfo>? = list
            while let current = entry {
                if let addr = current.pointee.ai_addr {
                    var storage = sockaddr_storage()
                    let length = current.pointee.ai_addrlen
                    withUnsafeMutableBytes(of: &storage) { target in
                        target.copyMemory(from: UnsafeRawBufferPointer(start: addr, count: Int(length)))
                    }
                    addresses.append(
                        Address(
                            storage: storage, length: length, family: current.pointee.ai_family,
                            description: Self.numericHost(addr, length) + ":\(port)"))
                }
                entry = current.pointee.ai_next
            }
            guard !addresses.isEmpty else { throw SSHError(.connectFailed, "\(host) resolved to no address") }
            return addresses
        }

        private static func numericHost(_ addr: UnsafePointer<sockaddr>, _ length: socklen_t) -> String {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            guard getnameinfo(addr, length, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 else {
                return "?"
            }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// Starts a non-blocking connect; `connected` is false while it is in progress (wait for POLLOUT, then call
    /// ``connectError()``).
    static func startConnect(to address: Address) -> Result<(socket: TCPSocket, connected: Bool), Errno> {
        #if canImport(Darwin)
            let fd = socket(address.family, SOCK_STREAM, 0)
        #else
            let fd = socket(address.family, Int32(SOCK_STREAM.rawValue), 0)
        #endif
        guard fd >= 0 else { return .failure(Errno(errno)) }
        let socket = TCPSocket(fd: fd)
        makeNonBlockingCloseOnExec(fd)
        socket.setOption(Int32(IPPROTO_TCP), TCP_NODELAY, 1)  // small request/response packets; no Nagle delay
        #if canImport(Darwin)
            socket.setOption(SOL_SOCKET, SO_NOSIGPIPE, 1)  // Linux gets MSG_NOSIGNAL from libssh2 on every send
        #endif
        var storage = address.storage
        let rc = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, address.length) }
        }
        if rc == 0 { return .success((socket, true)) }
        guard errno == EINPROGRESS else { return .failure(Errno(errno)) }
        return .success((socket, false))
    }

    /// The outcome of a connect that has become writable: nil when connected.
    func connectError() -> Errno? {
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 else { return Errno(errno) }
        return error == 0 ? nil : Errno(error)
    }

    /// Lets the kernel find a peer that vanished without a word: probes after `idleSeconds` of silence, three of
    /// them `idleSeconds` apart, and unacknowledged data given up after three times `idleSeconds`.
    func enableTCPKeepAlive(idleSeconds: Int32) {
        setOption(SOL_SOCKET, SO_KEEPALIVE, 1)
        #if canImport(Darwin)
            setOption(Int32(IPPROTO_TCP), TCP_KEEPALIVE, idleSeconds)
        #else
            setOption(Int32(IPPROTO_TCP), TCP_KEEPIDLE, idleSeconds)
            setOption(Int32(IPPROTO_TCP), TCP_KEEPINTVL, idleSeconds)
            setOption(Int32(IPPROTO_TCP), TCP_KEEPCNT, 3)
            // Keep-alive probes stop while sent data waits for acknowledgement; this bounds that wait instead of the
            // default of about fifteen minutes of retransmissions.
            setOption(Int32(IPPROTO_TCP), TCP_USER_TIMEOUT, idleSeconds * 3 * 1000)
        #endif
    }

    /// What is waiting on a socket that polled readable while no channel is open: nil when nothing, true when the
    /// peer closed the connection, false when it sent data.
    func peekClosed() -> Bool? {
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, Int32(MSG_PEEK) | Int32(MSG_DONTWAIT))
        if n > 0 { return false }
        if n == 0 { return true }
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? nil : true
    }

    /// True when a small packet can be written without blocking: Linux reports POLLOUT only with a good share of
    /// the send buffer free.
    var isWritable: Bool {
        var probe = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        return poll(&probe, 1, 0) == 1 && probe.revents & Int16(POLLOUT) != 0
    }

    /// Makes every further read and write fail at once, so libssh2's clean-up cannot wait on a dead peer.
    func shutdownBothWays() {
        _ = shutdown(fd, Int32(SHUT_RDWR))
    }

    private func setOption(_ level: Int32, _ name: Int32, _ value: Int32) {
        var value = value
        _ = setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
    }
}

/// An errno value with its text.
struct Errno: Error, CustomStringConvertible {
    let code: Int32
    init(_ code: Int32) { self.code = code }
    var description: String { errnoDescription(code) }
}
