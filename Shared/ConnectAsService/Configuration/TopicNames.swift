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

    public init() {}

    init(reader: ConfigReader) throws {
        let pattern = /[A-Za-z0-9._-]{1,249}/
        func name(_ key: String, _ fallback: String) throws -> String {
            guard let value = reader.checkedString("connectas.topics.\(key)") else { return fallback }
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
    }
}
