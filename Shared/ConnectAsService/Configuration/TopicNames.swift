import Configuration

/// The Kafka topics the suite uses. The names are configurable so one cluster can host several installations.
public struct TopicNames: Sendable, Equatable {
    public var commands = "connectas.commands"
    public var events = "connectas.events"
    public var replies = "connectas.replies"
    public var deadLetters = "connectas.dlq"
    public var orgs = "platform.orgs"
    public var members = "platform.members"
    public var environments = "platform.environments"
    public var auditCheckpoints = "connectas.audit.checkpoints"

    public init() {}

    /// Every default name with `prefix` in front: one installation (or one test) per prefix on a shared cluster.
    public init(prefix: String) {
        commands = prefix + commands
        events = prefix + events
        replies = prefix + replies
        deadLetters = prefix + deadLetters
        orgs = prefix + orgs
        members = prefix + members
        environments = prefix + environments
        auditCheckpoints = prefix + auditCheckpoints
    }

    init(reader: ConfigReader) throws {
        let pattern = /[A-Za-z0-9._-]{1,249}/
        let prefix = reader.checkedString("connectas.topics.prefix") ?? ""
        guard prefix.isEmpty || prefix.wholeMatch(of: /[A-Za-z0-9._-]{1,100}/) != nil else {
            throw ConfigurationError(
                key: "connectas.topics.prefix", problem: "is \"\(prefix)\", not usable in a Kafka topic name",
                fix: "use up to 100 characters from A-Z a-z 0-9 . _ -")
        }
        func name(_ key: String, _ fallback: String) throws -> String {
            guard let value = reader.checkedString("connectas.topics.\(key)") else { return prefix + fallback }
            guard value.wholeMatch(of: pattern) != nil, value != ".", value != ".." else {
                throw ConfigurationError(
                    key: "connectas.topics.\(key)", problem: "is \"\(value)\", not a valid Kafka topic name",
                    fix: "use up to 249 characters from A-Z a-z 0-9 . _ -")
            }
            return value
        }
        commands = try name("commands", commands)
        events = try name("events", events)
        replies = try name("replies", replies)
        deadLetters = try name("deadLetters", deadLetters)
        orgs = try name("orgs", orgs)
        members = try name("members", members)
        environments = try name("environments", environments)
        auditCheckpoints = try name("auditCheckpoints", auditCheckpoints)
    }
}
