import Synchronization

/// Counters shared by a pool and its connections.
final class SSHConnectionStatistics: Sendable {
    private let established = Atomic<Int>(0)
    private let open = Atomic<Int>(0)

    var connectionsEstablished: Int { established.load(ordering: .relaxed) }
    var openConnections: Int { open.load(ordering: .relaxed) }

    func connectionEstablished() {
        established.add(1, ordering: .relaxed)
        open.add(1, ordering: .relaxed)
    }

    func connectionClosed() {
        open.subtract(1, ordering: .relaxed)
    }
}
