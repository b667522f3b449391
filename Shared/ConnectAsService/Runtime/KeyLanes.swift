import ConnectAsKafka

/// The records a consumer holds, in lanes by key: records of one key (one environment, one request) are handed out
/// in order, one at a time; records of different keys run concurrently, so one environment whose server does not
/// answer holds back only its own records.
///
/// At most `limit` records are held at once (the consumer waits for room). A partition's offset is stored only up
/// to its first record not yet finished, so a crash redelivers whatever was not done, as with one record at a time.
actor KeyLanes {
    let limit: Int
    let consumer: KafkaConsumer
    private var queues: [String: [KafkaConsumerMessage]] = [:]
    private var held = 0
    private var waitingForRoom: [CheckedContinuation<Void, Never>] = []
    /// Per partition, the records handed in, in offset order, with whether each is finished.
    private var pending: [KafkaTopicPartition: [(record: KafkaConsumerMessage, done: Bool)]] = [:]
    private var closed = false

    init(limit: Int, consumer: KafkaConsumer) {
        self.limit = limit
        self.consumer = consumer
    }

    static func lane(of record: KafkaConsumerMessage) -> String {
        "\(record.topic)/\(record.partition)/\(record.keyString ?? "")"
    }

    func waitForRoom() async {
        guard held >= limit, !closed else { return }
        await withCheckedContinuation { waitingForRoom.append($0) }
    }

    /// Queues `record` in its lane; returns the lane when no worker serves it yet (the caller starts one).
    func enqueue(_ record: KafkaConsumerMessage) -> String? {
        // Closed: not taken, so its offset is not stored and it is delivered again.
        guard !closed else { return nil }
        held += 1
        pending[record.topicPartition, default: []].append((record, false))
        let lane = Self.lane(of: record)
        if queues[lane] != nil {
            queues[lane]!.append(record)
            return nil
        }
        queues[lane] = [record]
        return lane
    }

    /// The lane's next record, or nil (and the lane is closed) when it has none: a later record starts a new one.
    func next(_ lane: String) -> KafkaConsumerMessage? {
        let assigned = consumer.assignment
        while let record = queues[lane]?.first {
            // A partition revoked meanwhile belongs to another member now, which redelivers from the committed
            // offset: its records here are dropped, not processed beside it.
            if assigned.contains(record.topicPartition) { return record }
            queues[lane]?.removeFirst()
            release(record, .revoked)
        }
        queues[lane] = nil
        return nil
    }

    /// `record` (its lane's head) is finished: stores the partition's offset as far as every earlier record is.
    func finished(_ record: KafkaConsumerMessage) {
        queues[Self.lane(of: record)]?.removeFirst()
        release(record, .finished)
    }

    enum Release { case finished, revoked, abandoned }

    /// Gives `record`'s room back. A finished one moves its partition's stored offset as far as every earlier
    /// record is finished; an abandoned one (the service is stopping) stays unfinished, so no offset passes it; a
    /// revoked partition's records are forgotten, since its new owner starts from the committed offset.
    private func release(_ record: KafkaConsumerMessage, _ how: Release) {
        held -= 1
        if !waitingForRoom.isEmpty { waitingForRoom.removeFirst().resume() }
        let partition = record.topicPartition
        if how == .abandoned { return }
        guard how == .finished, consumer.assignment.contains(partition) else {
            pending[partition] = nil
            return
        }
        guard var entries = pending[partition],
            let index = entries.firstIndex(where: { !$0.done && $0.record.offset == record.offset })
        else { return }
        entries[index].done = true
        var storable: KafkaConsumerMessage?
        while let first = entries.first, first.done {
            storable = first.record
            entries.removeFirst()
        }
        pending[partition] = entries.isEmpty ? nil : entries
        // A partition revoked meanwhile refuses the store; its new owner redelivers from the committed offset.
        if let storable { try? consumer.store(storable) }
    }

    /// Stops handing out records (the service is stopping): every lane ends after its current record.
    func close() {
        closed = true
        for (lane, queue) in queues where queue.count > 1 {
            for record in queue.dropFirst() { release(record, .abandoned) }
            queues[lane] = Array(queue.prefix(1))
        }
        for waiter in waitingForRoom { waiter.resume() }
        waitingForRoom = []
    }
}
