import CRdKafka

/// Conversions between `rd_kafka_topic_partition_list_t` and Swift values.
enum RDKafkaTopicPartitionList {
    typealias List = UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    /// A new list the caller must free with `rd_kafka_topic_partition_list_destroy`.
    static func make(_ offsets: [KafkaTopicPartition: Int64]) -> List {
        let list = rd_kafka_topic_partition_list_new(Int32(clamping: offsets.count))!
        for (topicPartition, offset) in offsets {
            rd_kafka_topic_partition_list_add(list, topicPartition.topic, topicPartition.partition).pointee.offset =
                offset
        }
        return list
    }

    /// A new list without offsets (librdkafka's `RD_KAFKA_OFFSET_INVALID`).
    static func make(_ partitions: some Sequence<KafkaTopicPartition>) -> List {
        make(Dictionary(partitions.map { ($0, Int64(RD_KAFKA_OFFSET_INVALID)) }) { first, _ in first })
    }

    static func entries(
        _ list: List
    ) -> [(topicPartition: KafkaTopicPartition, offset: Int64, error: rd_kafka_resp_err_t)] {
        let elements = UnsafeBufferPointer(start: list.pointee.elems, count: Int(list.pointee.cnt))
        return elements.map { element in
            (
                KafkaTopicPartition(topic: String(cString: element.topic), partition: element.partition),
                element.offset, element.err
            )
        }
    }

    static func partitions(_ list: List) -> [KafkaTopicPartition] {
        entries(list).map(\.topicPartition)
    }
}
