extension Duration {
    /// Whole milliseconds, rounded up so a short but non-zero timeout never becomes librdkafka's "0 = don't wait",
    /// and clamped to the `int` librdkafka takes.
    var rdKafkaMilliseconds: Int32 {
        let (seconds, attoseconds) = components
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: max(0, milliseconds))
    }
}
