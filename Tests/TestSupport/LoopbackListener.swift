import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP socket listening on a free loopback port, never accepting.
public final class LoopbackListener: @unchecked Sendable {
    public let fd: Int32
    public let port: Int

    public init(keepOpen: Bool = false) throws {
        #if canImport(Darwin)
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #else
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #endif
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        if !keepOpen { close(fd) }
        self.fd = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
        self.closed = !keepOpen
    }

    private var closed: Bool

    deinit {
        if !closed { close(fd) }
    }
}
