import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// HTTP ports for the service processes the tests start.
///
/// Not from the kernel's ephemeral range (`bind` to port 0): every Kafka, PostgreSQL and SSH client of the suite
/// takes its local ports from that range, and one of them grabbed a port between the test closing it and the
/// service binding it ("Address already in use"). These come from below the range (20000–32767 on Linux's
/// defaults), at random, checked bindable, and never twice in one test process.
public enum ServicePorts {
    private static let handedOut = Mutex(Set<Int>())

    public struct NoFreePort: Error, CustomStringConvertible {
        public var description: String { "no free loopback port between 20000 and 32767" }
    }

    public static func free() throws -> Int {
        for _ in 0..<200 {
            let port = Int.random(in: 20000...32767)
            guard handedOut.withLock({ $0.insert(port).inserted }) else { continue }
            if isBindable(port) { return port }
        }
        throw NoFreePort()
    }

    static func isBindable(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
