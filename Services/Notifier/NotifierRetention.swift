import ConnectAsService

/// What notifier lets go after the retention: notifications sent or given up, and the sessions it remembered to
/// address them.
public enum NotifierRetention {
    public static let rules = [
        RetentionRule(table: "notifications", column: "created_at", condition: "status IN ('sent', 'failed')"),
        RetentionRule(table: "notifier_sessions", column: "updated_at"),
    ]
}
