import ConnectAsKafka
import ConnectAsSchema

/// The suite's topics as an operator creates them: the platform's state topics compacted (only the latest record
/// of each key matters), the others deleted by retention.
public enum SuiteTopics {
    public static func specifications(prefix: String = "", partitions: Int32 = 6) -> [KafkaTopicSpecification] {
        let compacted = ["cleanup.policy": "compact"]
        let topics: [(String, [String: String])] = [
            (DefaultTopic.commands, [:]), (DefaultTopic.events, [:]), (DefaultTopic.replies, [:]),
            (DefaultTopic.deadLetters, [:]), (DefaultTopic.orgs, compacted), (DefaultTopic.members, compacted),
            (DefaultTopic.environments, compacted),
            // Kept for ever: the checkpoints are the audit's anchor outside its database.
            (DefaultTopic.auditCheckpoints, ["retention.ms": "-1"]),
        ]
        return topics.map { KafkaTopicSpecification(name: prefix + $0.0, partitions: partitions, config: $0.1) }
    }
}
