/// A topic to create.
public struct KafkaTopicSpecification: Hashable, Sendable {
    public var name: String
    public var partitions: Int32
    public var replicationFactor: Int16
    /// Topic configuration, e.g. `["cleanup.policy": "compact"]` for the platform's state topics.
    public var config: [String: String]

    public init(name: String, partitions: Int32, replicationFactor: Int16 = 1, config: [String: String] = [:]) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.config = config
    }
}

extension KafkaTopicSpecification {
    /// Apache Kafka's own rules, checked here because Tansu accepts anything (0 partitions, spaces in names), and a
    /// topic that works in development must also be creatable in production.
    func validate() throws {
        let legal = name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                true
            default:
                false
            }
        }
        guard legal, (1...249).contains(name.utf8.count), name != ".", name != ".." else {
            throw KafkaError(
                code: .admin,
                message: "invalid topic name \"\(name)\": use 1 to 249 of the characters a-z A-Z 0-9 . _ -")
        }
        guard partitions >= 1 else {
            throw KafkaError(code: .admin, message: "topic \(name) needs at least one partition, not \(partitions)")
        }
        guard replicationFactor >= 1 else {
            throw KafkaError(
                code: .admin,
                message: "topic \(name) needs a replication factor of at least 1, not \(replicationFactor)")
        }
    }
}
