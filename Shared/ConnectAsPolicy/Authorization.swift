import ConnectAsSchema

/// Who the actor is in the org, once platform state has vouched for it: the org, their membership, and the identity
/// (id and e-mail) to carry into an approval, taken from state rather than from the command.
public struct AuthorizedActor: Sendable, Equatable {
    public let org: OrgState
    public let member: MemberState

    public var role: Role { member.role }
    public var actor: PlatformActor { PlatformActor(platformUserId: member.platformUserId, email: member.email) }
}

/// The permission matrix applied to a member: the org's overrides over the product's defaults
/// (``PermissionMatrix``), read from platform state only.
public enum Authorization {
    /// Every Connect As permission the member holds in the org; empty when the membership is of another org.
    public static func permissions(of member: MemberState, in org: OrgState) -> Set<Permission> {
        guard member.orgId == org.orgId else { return [] }
        return Set(Permission.allCases.filter { org.isGranted($0, to: member.role) })
    }

    /// Checks that the org is known and that the actor is one of its members.
    public static func member(
        _ platformUserId: String, of orgId: String, in state: PolicySnapshot
    ) throws(Denial) -> AuthorizedActor {
        guard let org = state.org, org.orgId == orgId else {
            throw Denial(.orgUnknown, "The organization is not known to Connect As.")
        }
        // A record for another user or org would be the caller's mistake; it must not stand in for the actor's own.
        guard let member = state.member, member.orgId == orgId, member.platformUserId == platformUserId else {
            throw Denial(.notAMember, "You are not a member of this organization.")
        }
        return AuthorizedActor(org: org, member: member)
    }

    /// Checks that the org is known, the actor is a member, and their role holds `permission` there.
    public static func require(
        _ permission: Permission, actor platformUserId: String, org orgId: String, in state: PolicySnapshot
    ) throws(Denial) -> AuthorizedActor {
        let authorized = try member(platformUserId, of: orgId, in: state)
        guard authorized.org.isGranted(permission, to: authorized.role) else {
            throw permissionDenied(permission, role: authorized.role)
        }
        return authorized
    }

    static func permissionDenied(_ permission: Permission, role: Role) -> Denial {
        Denial(
            .permissionDenied, "Your role (\(role.rawValue)) does not have \(permission.rawValue) in this organization."
        )
    }
}
