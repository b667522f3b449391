/// Where a session stands in the audit view. It only moves forward: `initiated`, then `redeemed`, then one final
/// status; a late or repeated event never moves it back.
public enum AuditStatus: String, Sendable, Codable, CaseIterable {
    case initiated
    case redeemed
    case ended
    case revoked
    /// Refused by policy, or by the injector's target checks; nothing was created.
    case denied
    /// The one-time link was never used within its five minutes.
    case expired
    case failed
}
