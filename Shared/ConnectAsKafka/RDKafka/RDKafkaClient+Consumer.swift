import CRdKafka
import Foundation

extension RDKafkaClient {
    /// Sends the handle's own events (errors, rebalances) to the consumer queue, so `consumerPoll` serves them.
    func redirectMainQueueToConsumer() throws {
        let err = rd_kafka_poll_set_consumer(handle)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError.rdKafka(.subscribe, err, "could not route consumer events")
        }
    }

    /// Blocking (waits for librdkafka's group thread to take the subscription).
    func subscribe(topics: [String]) throws {
        let list = RDKafkaTopicPartitionList.make(topics.map { KafkaTopicPartition(topic: $0, partition: -1) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_subscribe(handle, list)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError.rdKafka(.subscribe, err, "could not subscribe to \(topics.joined(separator: ", "))")
        }
    }

    /// One message or consumer error, or nil when none came within `timeout`; serves rebalance and error callbacks
    /// on the calling thread. Blocking.
    func consumerPoll(timeout: Duration) -> Result<KafkaConsumerMessage, KafkaError>? {
        guard let message = rd_kafka_consumer_poll(handle, timeout.rdKafkaMilliseconds) else { return nil }
        defer { rd_kafka_message_destroy(message) }
        let err = message.pointee.err
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            let topic = message.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? "?"
            let text = String(cString: rd_kafka_message_errstr(message))
            return .failure(
                .rdKafka(.consume, err, "consumer error on \(topic)[\(message.pointee.partition)]", detail: text))
        }
        return .success(KafkaConsumerMessage(copying: message))
    }

    /// Marks offsets (the next offset to read) as processed; `commitStored` or a revoke sends them to the broker.
    /// Does not block: it only updates librdkafka's in-memory state.
    func storeOffsets(_ offsets: [KafkaTopicPartition: Int64]) throws {
        guard !offsets.isEmpty else { return }
        let list = RDKafkaTopicPartitionList.make(offsets)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_offsets_store(handle, list)
        let refused = RDKafkaTopicPartitionList.entries(list).filter { $0.error != RD_KAFKA_RESP_ERR_NO_ERROR }
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, refused.isEmpty else {
            let names = refused.map { "\($0.topicPartition)" }.joined(separator: ", ")
            throw KafkaError.rdKafka(
                .commit, refused.first?.error ?? err,
                "could not store offsets for \(names.isEmpty ? "\(offsets.keys.sorted())" : names): the partition is "
                    + "no longer assigned to this member (a rebalance moved it, and its new owner will read the message "
                    + "again)")
        }
    }

    /// Commits every stored offset of the current assignment and waits for the broker. Blocking.
    func commitStored() throws {
        try Self.commitStored(handle)
    }

    /// The same as ``commitStored()``, for the rebalance callback, which gets the handle from librdkafka.
    static func commitStored(_ handle: OpaquePointer) throws {
        let err = rd_kafka_commit(handle, nil, 0)
        // _NO_OFFSET: nothing was stored since the last commit, so there is nothing to do.
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR__NO_OFFSET else {
            throw KafkaError.rdKafka(.commit, err, "could not commit offsets")
        }
    }

    /// The group's committed offsets (next offset to read); partitions with none are left out. Blocking.
    func committed(_ partitions: [KafkaTopicPartition], timeout: Duration) throws -> [KafkaTopicPartition: Int64] {
        let list = RDKafkaTopicPartitionList.make(partitions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_committed(handle, list, timeout.rdKafkaMilliseconds)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError.rdKafka(.query, err, "could not read committed offsets")
        }
        var result: [KafkaTopicPartition: Int64] = [:]
        for entry in RDKafkaTopicPartitionList.entries(list) where entry.offset >= 0 {
            result[entry.topicPartition] = entry.offset
        }
        return result
    }

    /// Leaves the group (serving the final revoke on this thread). Blocking.
    func closeConsumer() throws {
        let err = rd_kafka_consumer_close(handle)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError.rdKafka(.shutdown, err, "could not leave the consumer group cleanly")
        }
    }
}

extension KafkaConsumerMessage {
    /// Copies everything out of a message librdkafka still owns.
    init(copying message: UnsafeMutablePointer<rd_kafka_message_t>) {
        let fields = message.pointee
        let topic = fields.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
        let key = fields.key.map { Array(UnsafeRawBufferPointer(start: $0, count: fields.key_len)) }
        let value = fields.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: fields.len)) }

        var headers: [KafkaHeader] = []
        var headerList: OpaquePointer?
        if rd_kafka_message_headers(message, &headerList) == RD_KAFKA_RESP_ERR_NO_ERROR, let headerList {
            var index = 0
            var name: UnsafePointer<CChar>?
            var headerValue: UnsafeRawPointer?
            var size = 0
            while rd_kafka_header_get_all(headerList, index, &name, &headerValue, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                headers.append(
                    KafkaHeader(
                        name: name.map { String(cString: $0) } ?? "",
                        value: headerValue.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }))
                index += 1
            }
        }

        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let milliseconds = rd_kafka_message_timestamp(message, &timestampType)
        let timestamp =
            timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE || milliseconds < 0
            ? nil : Date(timeIntervalSince1970: Double(milliseconds) / 1000)

        self.init(
            topic: topic, partition: fields.partition, offset: fields.offset, key: key, value: value,
            headers: headers, timestamp: timestamp)
    }
}
