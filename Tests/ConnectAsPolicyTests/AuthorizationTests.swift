import ConnectAsPolicy
import ConnectAsSchema
import Testing

@Suite("Authorization from the permission matrix")
struct AuthorizationTests {
    @Test("role defaults: Owners and Admins hold all four, Developers and Viewers none")
    func roleDefaults() {
        let org = Fixtures.org()
        #expect(Authorization.permissions(of: Fixtures.member(.owner), in: org) == Set(Permission.allCases))
        #expect(Authorization.permissions(of: Fixtures.member(.admin), in: org) == Set(Permission.allCases))
        #expect(Authorization.permissions(of: Fixtures.member(.developer), in: org).isEmpty)
        #expect(Authorization.permissions(of: Fixtures.member(.viewer), in: org).isEmpty)
    }

    @Test("an org's overrides grant and withdraw single cells, leaving the others at their default")
    func overrides() {
        let org = Fixtures.org(overrides: [.developer: [.listUsers: true, .initiate: true], .admin: [.revoke: false]])
        #expect(Authorization.permissions(of: Fixtures.member(.developer), in: org) == [.listUsers, .initiate])
        #expect(Authorization.permissions(of: Fixtures.member(.admin), in: org) == [.listUsers, .initiate, .viewAudit])
        #expect(Authorization.permissions(of: Fixtures.member(.owner), in: org) == Set(Permission.allCases))
        #expect(Authorization.permissions(of: Fixtures.member(.viewer), in: org).isEmpty)
    }

    @Test("a membership of another org grants nothing in this one")
    func membershipOfAnotherOrg() {
        #expect(Authorization.permissions(of: Fixtures.member(.owner, orgId: "org-2"), in: Fixtures.org()).isEmpty)
    }

    @Test("unknown org, then missing membership, then missing permission")
    func requireOrder() throws {
        func code(_ state: PolicySnapshot) -> DenialCode? {
            do {
                _ = try Authorization.require(.initiate, actor: "user-1", org: Fixtures.orgId, in: state)
                return nil
            } catch {
                return error.code
            }
        }
        #expect(code(Fixtures.state(org: nil, member: nil)) == .orgUnknown)
        #expect(code(Fixtures.state(org: Fixtures.org(), member: nil)) == .notAMember)
        #expect(code(Fixtures.state(member: Fixtures.member(.admin, userId: "user-2"))) == .notAMember)
        #expect(code(Fixtures.state(member: Fixtures.member(.admin, orgId: "org-2"))) == .notAMember)
        #expect(code(Fixtures.state(member: Fixtures.member(.viewer))) == .permissionDenied)
        #expect(code(Fixtures.state(member: Fixtures.member(.owner))) == nil)
        // State for another org than the command's is no state for the command's org.
        var otherOrg = Fixtures.org()
        otherOrg.orgId = "org-2"
        #expect(code(Fixtures.state(org: otherOrg, member: Fixtures.member(.owner, orgId: "org-2"))) == .orgUnknown)
    }

    @Test("the authorized identity comes from state, not from the command")
    func identityFromState() throws {
        let authorized = try Authorization.require(
            .initiate, actor: "user-1", org: Fixtures.orgId, in: Fixtures.state(member: Fixtures.member(.owner)))
        #expect(authorized.actor == PlatformActor(platformUserId: "user-1", email: "user-1@platform.example"))
        #expect(authorized.role == .owner)
    }
}
