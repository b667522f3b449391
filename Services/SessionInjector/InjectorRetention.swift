import ConnectAsService

/// What session-injector lets go after the retention: sessions that are over and owe no delete on the server.
/// Their story stays in audit-writer's log.
public enum InjectorRetention {
    public static let rules = [
        RetentionRule(
            table: "sessions", column: "coalesce(ended_at, issued_at)",
            condition: "status NOT IN ('issued', 'redeemed') AND delete_due_at IS NULL")
    ]
}
