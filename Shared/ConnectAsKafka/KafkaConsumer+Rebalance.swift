import CRdKafka
import Logging

extension KafkaConsumer {
    /// librdkafka's rebalance callback, run on the polling queue inside a poll (or close): the application is then
    /// between messages, so everything it processed has been stored or committed.
    static func rebalance(
        handle: OpaquePointer, event: rd_kafka_resp_err_t, partitions: RDKafkaTopicPartitionList.List,
        state: ConsumerState, logger: Logger
    ) {
        let moved = RDKafkaTopicPartitionList.partitions(partitions).sorted()
        let cooperative = String(cString: rd_kafka_rebalance_protocol(handle)) == "COOPERATIVE"
        let metadata: Logger.Metadata = [
            KafkaLoggingKeys.client: "\(String(cString: rd_kafka_name(handle)))",
            KafkaLoggingKeys.partitions: "\(moved.map(\.description).joined(separator: ","))",
        ]
        // Cooperative rebalances end with an assignment of nothing new for members that keep what they had.
        let level: Logger.Level = moved.isEmpty ? .debug : .info

        switch event {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            logger.log(level: level, "Kafka partitions assigned", metadata: metadata)
            assign(handle, partitions, cooperative: cooperative, logger: logger)
            state.assigned(moved, incremental: cooperative)

        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            logger.log(level: level, "Kafka partitions revoked", metadata: metadata)
            state.revoked(moved)
            if rd_kafka_assignment_lost(handle) != 0 {
                // The group already gave these partitions away (session timed out): a commit would be refused.
                logger.warning("Kafka partitions lost before they could be committed", metadata: metadata)
            } else {
                do {
                    try RDKafkaClient.commitStored(handle)
                } catch {
                    logger.warning("Kafka commit on revoke failed", metadata: [KafkaLoggingKeys.error: "\(error)"])
                }
            }
            unassign(handle, partitions, cooperative: cooperative, logger: logger)

        default:
            logger.error(
                "Kafka rebalance failed: \(String(cString: rd_kafka_err2str(event)))",
                metadata: [KafkaLoggingKeys.error: "\(String(cString: rd_kafka_err2name(event)))"])
            state.revoked(moved)
            unassign(handle, partitions, cooperative: cooperative, logger: logger)
        }
    }

    private static func assign(
        _ handle: OpaquePointer, _ partitions: RDKafkaTopicPartitionList.List, cooperative: Bool, logger: Logger
    ) {
        if cooperative {
            if let error = rd_kafka_incremental_assign(handle, partitions) {
                logger.error("\(KafkaError.rdKafka(.consume, consuming: error, "could not take assigned partitions"))")
            }
        } else {
            let err = rd_kafka_assign(handle, partitions)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                logger.error("\(KafkaError.rdKafka(.consume, err, "could not take assigned partitions"))")
            }
        }
    }

    private static func unassign(
        _ handle: OpaquePointer, _ partitions: RDKafkaTopicPartitionList.List, cooperative: Bool, logger: Logger
    ) {
        if cooperative {
            if let error = rd_kafka_incremental_unassign(handle, partitions) {
                logger.error("\(KafkaError.rdKafka(.consume, consuming: error, "could not give up partitions"))")
            }
        } else {
            let err = rd_kafka_assign(handle, nil)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                logger.error("\(KafkaError.rdKafka(.consume, err, "could not give up partitions"))")
            }
        }
    }
}
