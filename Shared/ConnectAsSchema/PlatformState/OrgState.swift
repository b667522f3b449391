/// An org's settings as the platform publishes them on the compacted `platform.orgs` topic, keyed by org id; the
/// latest record per org is the truth, and a tombstone (null value) means the org is gone.
public struct OrgState: MessagePayload {
    public static let eventType = EventType("platform.org", version: 1)
    public static let defaultTopic = DefaultTopic.orgs

    public var orgId: String
    public var plan: Plan
    /// Only the cells that differ from ``PermissionMatrix/defaultGrant(_:to:)``: `true` grants, `false` withdraws.
    /// On the wire `{"developer": {"env.impersonation.list_users": true}}`; absent means no overrides.
    public var permissionOverrides: [Role: [Permission: Bool]]
    public var notifications: NotificationSettings
    public var policy: PolicySettings

    public init(
        orgId: String, plan: Plan, permissionOverrides: [Role: [Permission: Bool]] = [:],
        notifications: NotificationSettings, policy: PolicySettings
    ) {
        self.orgId = orgId
        self.plan = plan
        self.permissionOverrides = permissionOverrides
        self.notifications = notifications
        self.policy = policy
    }

    /// Whether members with `role` hold `permission` in this org.
    public func isGranted(_ permission: Permission, to role: Role) -> Bool {
        PermissionMatrix.isGranted(permission, to: role, overrides: permissionOverrides)
    }

    enum CodingKeys: String, CodingKey {
        case orgId = "orgId"
        case plan = "plan"
        case permissionOverrides = "permissionOverrides"
        case notifications = "notifications"
        case policy = "policy"
    }
}

extension OrgState {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        orgId = try container.id(.orgId)
        plan = try container.required(.plan)
        permissionOverrides = try Self.decodeOverrides(from: container)
        notifications = try container.required(.notifications)
        policy = try container.required(.policy)
    }

    // Read as plain string-keyed objects so that an unknown role or permission fails with its own path and the list
    // of allowed values, like every other enum, instead of Foundation's generic key error.
    private static func decodeOverrides(
        from container: KeyedDecodingContainer<CodingKeys>
    ) throws -> [Role: [Permission: Bool]] {
        guard let raw: [String: [String: Bool]] = try container.optional(.permissionOverrides) else { return [:] }
        let path = container.codingPath + [CodingKeys.permissionOverrides]
        var overrides: [Role: [Permission: Bool]] = [:]
        for (roleName, cells) in raw {
            guard let role = Role(rawValue: roleName) else {
                throw SchemaError.invalidValue(
                    at: path + [NamedKey(roleName)],
                    expected: "one of " + Role.allCases.map(\.rawValue).joined(separator: ", "),
                    found: "\"\(roleName)\"", "not a known role")
            }
            var row: [Permission: Bool] = [:]
            for (permissionName, granted) in cells {
                guard let permission = Permission(rawValue: permissionName) else {
                    throw SchemaError.invalidValue(
                        at: path + [NamedKey(roleName), NamedKey(permissionName)],
                        expected: "one of " + Permission.allCases.map(\.rawValue).joined(separator: ", "),
                        found: "\"\(permissionName)\"", "not a known permission")
                }
                row[permission] = granted
            }
            overrides[role] = row
        }
        return overrides
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(orgId, forKey: .orgId)
        try container.encode(plan, forKey: .plan)
        let raw = Dictionary(
            uniqueKeysWithValues: permissionOverrides.map { role, cells in
                (role.rawValue, Dictionary(uniqueKeysWithValues: cells.map { ($0.key.rawValue, $0.value) }))
            })
        try container.encode(raw, forKey: .permissionOverrides)
        try container.encode(notifications, forKey: .notifications)
        try container.encode(policy, forKey: .policy)
    }

    public var partitionKey: String { orgId }
    public var subject: String? { orgId }
    public var asMessage: ConnectAsMessage { .orgState(self) }
}
