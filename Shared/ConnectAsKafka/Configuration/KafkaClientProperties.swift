/// librdkafka properties every client of the suite starts from.
enum KafkaClientProperties {
    static func common(bootstrapServers: [String], clientID: String) -> [String: String] {
        [
            "bootstrap.servers": bootstrapServers.joined(separator: ","),
            "client.id": clientID,
            // Brokers close idle connections routinely; librdkafka reconnects on its own, so these are noise.
            "log.connection.close": "false",
        ]
    }
}
