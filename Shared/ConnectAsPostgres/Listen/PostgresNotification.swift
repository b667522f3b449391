/// One NOTIFY as a listener received it.
public struct PostgresNotification: Sendable, Hashable {
    public let channel: String
    public let payload: String
    /// The server process that sent it (`pg_backend_pid()` of the notifier).
    public let senderPID: Int32
}
