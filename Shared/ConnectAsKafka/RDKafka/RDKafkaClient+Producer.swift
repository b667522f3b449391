import CRdKafka

extension RDKafkaClient {
    /// Hands one message to librdkafka, which copies it.
    ///
    /// Does not block (no `RD_KAFKA_MSG_F_BLOCK`: a full queue fails with `_QUEUE_FULL` at once), so the caller may
    /// be on the cooperative pool. The delivery report later carries `messageID` back as the message's opaque.
    func produce(
        topic: String, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader], messageID: UInt
    ) -> KafkaError? {
        var headerList: OpaquePointer?
        if !headers.isEmpty {
            headerList = rd_kafka_headers_new(headers.count)
            for header in headers {
                withPayload(header.value) { pointer, count in
                    _ = rd_kafka_header_add(headerList, header.name, -1, pointer, count)
                }
            }
        }
        let error: OpaquePointer? = topic.withCString { topicName in
            withPayload(key) { keyPointer, keyCount in
                withPayload(value) { valuePointer, valueCount in
                    var fields = [rd_kafka_vu_t](repeating: rd_kafka_vu_t(), count: headerList == nil ? 5 : 6)
                    fields[0].vtype = RD_KAFKA_VTYPE_TOPIC
                    fields[0].u.cstr = topicName
                    fields[1].vtype = RD_KAFKA_VTYPE_KEY
                    fields[1].u.mem.ptr = keyPointer
                    fields[1].u.mem.size = keyCount
                    fields[2].vtype = RD_KAFKA_VTYPE_VALUE
                    fields[2].u.mem.ptr = valuePointer
                    fields[2].u.mem.size = valueCount
                    fields[3].vtype = RD_KAFKA_VTYPE_OPAQUE
                    fields[3].u.ptr = UnsafeMutableRawPointer(bitPattern: messageID)
                    fields[4].vtype = RD_KAFKA_VTYPE_MSGFLAGS
                    fields[4].u.i = RD_KAFKA_MSG_F_COPY
                    if let headerList {
                        fields[5].vtype = RD_KAFKA_VTYPE_HEADERS
                        fields[5].u.headers = headerList
                    }
                    return rd_kafka_produceva(handle, fields, fields.count)
                }
            }
        }
        guard let error else { return nil }  // librdkafka now owns the header list
        if let headerList { rd_kafka_headers_destroy(headerList) }
        return KafkaError.rdKafka(.produce, consuming: error, "could not send a message to \(topic)")
    }

    /// A delivery report as a result; called on the polling thread with a message librdkafka still owns.
    static func deliveryResult(
        handle: OpaquePointer, message: UnsafePointer<rd_kafka_message_t>
    ) -> Result<KafkaDeliveryReport, KafkaError> {
        let topic = message.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
        let err = message.pointee.err
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            var detail: String?
            if err == RD_KAFKA_RESP_ERR__FATAL {
                // The idempotent producer hit an unrecoverable sequence error; the reason is kept separately.
                var text = [CChar](repeating: 0, count: 512)
                let cause = rd_kafka_fatal_error(handle, &text, text.count)
                detail = "\(String(cString: text)) [\(String(cString: rd_kafka_err2name(cause)))]"
            }
            return .failure(
                .rdKafka(.delivery, err, "the broker did not acknowledge a message to \(topic)", detail: detail))
        }
        return .success(
            KafkaDeliveryReport(topic: topic, partition: message.pointee.partition, offset: message.pointee.offset))
    }
}

/// Calls `body` with a pointer and length librdkafka reads as: NULL for `nil` (no key, tombstone), and a valid
/// pointer with length 0 for an empty payload, which an empty array's `baseAddress` (nil) would not give.
func withPayload<Result>(_ bytes: [UInt8]?, _ body: (UnsafeMutableRawPointer?, Int) -> Result) -> Result {
    guard let bytes else { return body(nil, 0) }
    guard !bytes.isEmpty else {
        var placeholder: UInt8 = 0
        return withUnsafeMutableBytes(of: &placeholder) { body($0.baseAddress, 0) }
    }
    // librdkafka copies (RD_KAFKA_MSG_F_COPY, rd_kafka_header_add) and never writes through the pointer.
    return bytes.withUnsafeBytes { body(UnsafeMutableRawPointer(mutating: $0.baseAddress), $0.count) }
}
