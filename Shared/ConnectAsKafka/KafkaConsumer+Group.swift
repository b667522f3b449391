import CRdKafka
import ConnectAsBlocking

/// The group coordinator's view of a consumer group (ListGroups/DescribeGroups), for the log of a member left out
/// of its group. Best effort: Tansu's ListGroups leaves out groups that are in use.
public struct KafkaGroupDescription: Sendable, CustomStringConvertible {
    /// `Stable`, `PreparingRebalance`, `CompletingRebalance`, `Empty`, `Dead`, or what the broker says.
    public var state: String
    public var protocolName: String
    public var memberIDs: [String]
    /// This member's id as librdkafka knows it (empty before its first JoinGroup answer).
    public var ownMemberID: String

    public var includesThisMember: Bool { !ownMemberID.isEmpty && memberIDs.contains(ownMemberID) }

    public var description: String {
        "state \(state), protocol \(protocolName.isEmpty ? "none" : protocolName), \(memberIDs.count) members, "
            + (ownMemberID.isEmpty ? "this member has no id yet" : includesThisMember ? "this member among them" : "this member (\(ownMemberID)) not among them")
    }
}

extension KafkaConsumer {
    /// Since when this member has been waiting for its group to hand it an assignment: it was created, or a
    /// rebalance took its partitions, and no assignment came since (not even the empty one a member of a group
    /// with more members than partitions gets). Nil while it is a member of the current generation.
    public var joinPendingSince: ContinuousClock.Instant? { state.joinPendingSince }

    /// Asks the group's coordinator how the group stands. Runs on a queue of its own, not the polling queue, so a
    /// slow answer does not hold back rebalance callbacks.
    public func describeGroup(timeout: Duration = .seconds(5)) async throws -> KafkaGroupDescription? {
        let client = client
        let groupID = configuration.groupID
        return try await Self.describeQueue.run {
            try client.describeGroup(groupID, timeout: timeout)
        }
    }

    private static let describeQueue = BlockingQueue(label: "connectas.kafka.describe-group")
}

extension RDKafkaClient {
    /// Blocking. Lists every group and picks this one: asked for one group by name, librdkafka goes straight to
    /// DescribeGroups, which Tansu answers with no group at all. Nil when the coordinator does not list it.
    func describeGroup(_ groupID: String, timeout: Duration) throws -> KafkaGroupDescription? {
        var list: UnsafePointer<rd_kafka_group_list>?
        let err = rd_kafka_list_groups(handle, nil, &list, timeout.rdKafkaMilliseconds)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let list else {
            throw KafkaError.rdKafka(.consume, err, "could not describe consumer group \(groupID)")
        }
        defer { rd_kafka_group_list_destroy(list) }
        let ownID = rd_kafka_memberid(handle).map { pointer in
            defer { rd_kafka_mem_free(handle, pointer) }
            return String(cString: pointer)
        } ?? ""
        let groups = UnsafeBufferPointer(start: list.pointee.groups, count: Int(list.pointee.group_cnt))
        guard let group = groups.first(where: { String(cString: $0.group) == groupID }) else { return nil }
        guard group.err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError.rdKafka(.consume, group.err, "could not describe consumer group \(groupID)")
        }
        let members = UnsafeBufferPointer(start: group.members, count: Int(group.member_cnt))
        return KafkaGroupDescription(
            state: group.state.map { String(cString: $0) } ?? "Unknown",
            protocolName: group.protocol.map { String(cString: $0) } ?? "",
            memberIDs: members.map { String(cString: $0.member_id) }, ownMemberID: ownID)
    }
}
