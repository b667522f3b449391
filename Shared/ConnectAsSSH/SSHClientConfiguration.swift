/// Settings shared by every connection of an ``SSHConnectionPool``.
public struct SSHClientConfiguration: Sendable {
    /// Bounds TCP connect, SSH handshake, host-key check and authentication together.
    public var connectTimeout: Duration = .seconds(10)
    /// Used by ``SSHConnectionPool/exec(on:credentials:command:stdin:timeout:)`` when it is given no timeout.
    /// Counts from the call, so time spent waiting for a connection or a free channel is included.
    public var commandTimeout: Duration = .seconds(60)
    /// How often an SSH keep-alive is sent on a connection (rounded to whole seconds, at least 2); nil sends none.
    /// Keep it below the servers' `ClientAliveInterval` so they never need to probe us.
    public var keepAliveInterval: Duration? = .seconds(30)
    /// Channels (running commands) open at once on one connection; further execs wait their turn in order.
    /// OpenSSH refuses more than `MaxSessions` (10 by default) on one connection.
    public var maxChannelsPerConnection: Int = 8
    /// A connection with no command for this long is closed (and reopened when next needed); nil keeps it open.
    public var idleTimeout: Duration? = .seconds(300)
    /// Most bytes kept from each of stdout and stderr; a command writing more fails with `outputTooLarge`.
    public var maxOutputBytes: Int = 64 << 20

    public init() {}
}
