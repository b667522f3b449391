import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The proxies whose `X-Forwarded-For` is believed. A browser that reaches the injector directly could write any
/// address in that header, so it is read only when the peer is one of these, and then from the right: the first
/// hop that is not itself a trusted proxy is the browser.
struct TrustedProxies: Sendable, Equatable {
    struct Network: Sendable, Equatable {
        let address: [UInt8]
        let prefixLength: Int

        func contains(_ bytes: [UInt8]) -> Bool {
            guard bytes.count == address.count else { return false }
            var left = prefixLength
            for (a, b) in zip(address, bytes) where left > 0 {
                let bits = min(8, left)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                if a & mask != b & mask { return false }
                left -= bits
            }
            return true
        }
    }

    let networks: [Network]

    /// Loopback and the private ranges, where a platform's own reverse proxies live (Rails trusts the same).
    static let defaultList = "127.0.0.0/8, ::1, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7"

    /// `list` is comma-separated addresses and CIDR networks; an empty list trusts no proxy. Nil for a bad entry.
    init?(_ list: String) {
        var networks: [Network] = []
        for entry in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            let parts = entry.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count <= 2, let address = Self.bytes(String(parts[0])) else { return nil }
            let width = address.count * 8
            var prefix = width
            if parts.count == 2 {
                guard let length = Int(parts[1]), (0...width).contains(length) else { return nil }
                prefix = length
            }
            networks.append(Network(address: address, prefixLength: prefix))
        }
        self.networks = networks
    }

    func contains(_ address: String) -> Bool {
        guard let bytes = Self.bytes(address) else { return false }
        return networks.contains { $0.contains(bytes) }
    }

    /// The browser's address: the peer itself unless it is a trusted proxy; otherwise the rightmost hop of
    /// `forwardedFor` that is not a trusted proxy. "unknown" when that hop is not an address.
    func browserAddress(forwardedFor: [String], peer: String?) -> String {
        guard let peer, let peerBytes = Self.bytes(peer) else { return "unknown" }
        let canonicalPeer = Self.text(peerBytes)
        guard networks.contains(where: { $0.contains(peerBytes) }) else { return canonicalPeer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        var browser = canonicalPeer
        for hop in hops.reversed() {
            guard let bytes = Self.bytes(hop) else { return "unknown" }
            browser = Self.text(bytes)
            if !networks.contains(where: { $0.contains(bytes) }) { break }
        }
        return browser
    }

    /// 4 bytes for IPv4 (an IPv4-mapped IPv6 address included, as dual-stack sockets report IPv4 peers), 16 for
    /// IPv6; nil for anything else.
    static func bytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return Array(bytes[12...])
        }
        return bytes
    }

    static func text(_ bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) }
        guard ok != nil else { return "unknown" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
