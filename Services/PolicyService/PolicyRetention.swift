import ConnectAsService

/// What policy-service lets go after the retention: decisions, kept so that a command re-published under a new
/// event id is decided once. Approved initiations stay: ends and revokes look their sessions up there, and a
/// session's maximum duration has no upper bound.
public enum PolicyRetention {
    public static let rules = [RetentionRule(table: "decisions", column: "decided_at")]
}
