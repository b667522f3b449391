import CRdKafka

extension RDKafkaClient {
    /// Creates the topics, treating "already exists" as done. Blocking.
    func createTopics(_ topics: [KafkaTopicSpecification], timeout: Duration) throws {
        var newTopics: [OpaquePointer?] = []
        defer { for newTopic in newTopics { rd_kafka_NewTopic_destroy(newTopic) } }
        for topic in topics {
            var errorText = [CChar](repeating: 0, count: 512)
            guard
                let newTopic = rd_kafka_NewTopic_new(
                    topic.name, topic.partitions, Int32(topic.replicationFactor), &errorText, errorText.count)
            else {
                throw KafkaError(
                    code: .admin, message: "invalid topic \(topic.name): \(String(cString: errorText))")
            }
            newTopics.append(newTopic)
            for (name, value) in topic.config.sorted(by: { $0.key < $1.key }) {
                let err = rd_kafka_NewTopic_set_config(newTopic, name, value)
                guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                    throw KafkaError.rdKafka(.admin, err, "invalid config \(name)=\(value) for topic \(topic.name)")
                }
            }
        }
        try adminRequest(
            RD_KAFKA_ADMIN_OP_CREATETOPICS, "create topics", timeout: timeout,
            ignoring: RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS
        ) { options, queue in
            rd_kafka_CreateTopics(handle, &newTopics, newTopics.count, options, queue)
        } results: { event in
            var count = 0
            let results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count)
            return (results, count)
        }
    }

    /// Deletes the topics, treating "does not exist" as done. Blocking.
    func deleteTopics(_ names: [String], timeout: Duration) throws {
        var deleteTopics: [OpaquePointer?] = names.map { rd_kafka_DeleteTopic_new($0) }
        defer { for deleteTopic in deleteTopics { rd_kafka_DeleteTopic_destroy(deleteTopic) } }
        try adminRequest(
            RD_KAFKA_ADMIN_OP_DELETETOPICS, "delete topics", timeout: timeout,
            ignoring: RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART
        ) { options, queue in
            rd_kafka_DeleteTopics(handle, &deleteTopics, deleteTopics.count, options, queue)
        } results: { event in
            var count = 0
            let results = rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(event), &count)
            return (results, count)
        }
    }

    /// The number of partitions of `topic`, or nil when the broker does not know it. Blocking.
    func partitionCount(topic: String, timeout: Duration) throws -> Int? {
        guard let topicHandle = rd_kafka_topic_new(handle, topic, nil) else {
            throw KafkaError.rdKafka(.query, rd_kafka_last_error(), "could not look up topic \(topic)")
        }
        defer { rd_kafka_topic_destroy(topicHandle) }
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let err = rd_kafka_metadata(handle, 0, topicHandle, &metadata, timeout.rdKafkaMilliseconds)
        defer { if let metadata { rd_kafka_metadata_destroy(metadata) } }
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
            throw KafkaError.rdKafka(.query, err, "could not read metadata of topic \(topic)")
        }
        let topics = UnsafeBufferPointer(start: metadata.pointee.topics, count: Int(metadata.pointee.topic_cnt))
        guard let entry = topics.first(where: { String(cString: $0.topic) == topic }),
            entry.err == RD_KAFKA_RESP_ERR_NO_ERROR
        else { return nil }
        return Int(entry.partition_cnt)
    }

    /// Runs one admin request and waits for its result event; per-topic errors other than `ignoring` are thrown
    /// together, so a caller learns about every topic that failed.
    private func adminRequest(
        _ operation: rd_kafka_admin_op_t, _ what: String, timeout: Duration, ignoring: rd_kafka_resp_err_t,
        send: (_ options: OpaquePointer?, _ queue: OpaquePointer?) -> Void,
        results: (_ event: OpaquePointer?) -> (UnsafeMutablePointer<OpaquePointer?>?, Int)
    ) throws {
        let options = rd_kafka_AdminOptions_new(handle, operation)
        defer { rd_kafka_AdminOptions_destroy(options) }
        var errorText = [CChar](repeating: 0, count: 512)
        _ = rd_kafka_AdminOptions_set_request_timeout(options, timeout.rdKafkaMilliseconds, &errorText, errorText.count)
        _ = rd_kafka_AdminOptions_set_operation_timeout(
            options, timeout.rdKafkaMilliseconds, &errorText, errorText.count)
        let resultQueue = rd_kafka_queue_new(handle)
        defer { rd_kafka_queue_destroy(resultQueue) }

        send(options, resultQueue)
        // librdkafka enforces the request timeout itself; the margin only guards against a lost result event.
        guard let event = rd_kafka_queue_poll(resultQueue, (timeout + .seconds(5)).rdKafkaMilliseconds) else {
            throw KafkaError(code: .timeout, message: "\(what): no answer from \(bootstrapServers) within \(timeout)")
        }
        defer { rd_kafka_event_destroy(event) }
        let err = rd_kafka_event_error(event)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError.rdKafka(
                .admin, err, "could not \(what)", detail: String(cString: rd_kafka_event_error_string(event)))
        }
        let (topicResults, count) = results(event)
        var failures: [String] = []
        var firstFailure: rd_kafka_resp_err_t?
        for result in UnsafeBufferPointer(start: topicResults, count: count) {
            let topicErr = rd_kafka_topic_result_error(result)
            guard topicErr != RD_KAFKA_RESP_ERR_NO_ERROR, topicErr != ignoring else { continue }
            let name = String(cString: rd_kafka_topic_result_name(result))
            let text =
                rd_kafka_topic_result_error_string(result).map { String(cString: $0) }
                ?? String(cString: rd_kafka_err2str(topicErr))
            failures.append("\(name): \(text)")
            firstFailure = firstFailure ?? topicErr
        }
        if let firstFailure {
            throw KafkaError.rdKafka(
                .admin, firstFailure, "could not \(what)", detail: failures.joined(separator: "; "))
        }
    }
}
