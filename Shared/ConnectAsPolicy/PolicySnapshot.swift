import ConnectAsSchema

/// The part of platform state one decision reads, as policy-service's own copy holds it at decision time.
///
/// Every field is what the platform published, never what the command claims: the rules take the actor's role and
/// e-mail from `member`, and only the actor's id (which the platform authenticated) from the command.
public struct PolicySnapshot: Sendable, Equatable {
    /// The org the command names; nil when there is no state for it.
    public var org: OrgState?
    /// The actor's membership in that org; nil when they are not a member.
    public var member: MemberState?
    /// The environment the command names, whichever org it belongs to; nil when there is no state for it.
    public var environment: EnvironmentState?

    public init(org: OrgState?, member: MemberState?, environment: EnvironmentState?) {
        self.org = org
        self.member = member
        self.environment = environment
    }
}
