/// A server to run commands on, and the host key it must present.
///
/// Two targets are the same connection when host, port, user and pinned fingerprint all match: changing the pin
/// (a re-keyed server) gives a new connection rather than reusing one verified against the old key.
public struct SSHTarget: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    /// The server's host key as `ssh-keygen -l -E sha256` prints it: `SHA256:` and unpadded base64.
    ///
    /// The connection presents the key it prefers in OpenSSH's own order (ed25519, then ECDSA), so pin that key's
    /// fingerprint; `ssh-keyscan -t ed25519 host | ssh-keygen -l -E sha256 -f -` prints it.
    public var hostKeyFingerprint: String

    public init(host: String, port: Int = 22, user: String, hostKeyFingerprint: String) {
        self.host = host
        self.port = port
        self.user = user
        self.hostKeyFingerprint = hostKeyFingerprint
    }

    public var description: String { "\(user)@\(host):\(port)" }
}
