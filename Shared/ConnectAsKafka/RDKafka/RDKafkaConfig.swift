import CRdKafka

/// Builds an `rd_kafka_conf_t` from string properties.
enum RDKafkaConfig {
    /// Returns a configuration the caller owns (until `rd_kafka_new` succeeds with it); destroys it on failure.
    static func make(_ properties: [String: String]) throws -> OpaquePointer {
        let conf = rd_kafka_conf_new()!
        // Sorted so that the first refused property, and so the error, is the same on every run.
        for (name, value) in properties.sorted(by: { $0.key < $1.key }) {
            var errorText = [CChar](repeating: 0, count: 512)
            let result = rd_kafka_conf_set(conf, name, value, &errorText, errorText.count)
            guard result == RD_KAFKA_CONF_OK else {
                rd_kafka_conf_destroy(conf)
                throw KafkaError(
                    code: .configuration,
                    message: "librdkafka refused property \(name)=\(value): \(String(cString: errorText))")
            }
        }
        return conf
    }
}

extension String {
    /// Text from a NUL-terminated C buffer filled in by librdkafka.
    init(cString buffer: [CChar]) {
        self = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
