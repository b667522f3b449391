/// Topic names from the design; each service may rename them through configuration.
public enum DefaultTopic {
    /// Platform → suite.
    public static let commands = "connectas.commands"
    /// Everything that happened: decisions and session events; the audit source and the SIEM feed.
    public static let events = "connectas.events"
    /// Suite → platform, keyed by request id.
    public static let replies = "connectas.replies"
    /// Messages that could not be processed, each wrapped in a ``DeadLetter``.
    public static let deadLetters = "connectas.dlq"
    /// audit-writer's signed checkpoints of the audit's hash chain (``AuditCheckpoint``), kept outside its database.
    public static let auditCheckpoints = "connectas.audit.checkpoints"
    /// Compacted state topics the platform publishes.
    public static let orgs = "platform.orgs"
    public static let members = "platform.members"
    public static let environments = "platform.environments"
}
