/// The isolation level a transaction runs at.
public enum PostgresIsolationLevel: Sendable, Hashable {
    /// Behaves as if transactions ran one after another; conflicts fail with 40001 and are retried.
    case serializable
    case repeatableRead
    case readCommitted

    var sql: String {
        switch self {
        case .serializable: "SERIALIZABLE"
        case .repeatableRead: "REPEATABLE READ"
        case .readCommitted: "READ COMMITTED"
        }
    }
}
