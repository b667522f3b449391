import ConnectAsPolicy
import ConnectAsSchema
import Testing

@Suite("ListUsers and audit access decisions")
struct ListUsersAndAuditRuleTests {
    @Test(
        "list users needs env.impersonation.list_users",
        arguments: [
            (Role.owner, true), (.admin, true),
            (.developer, false), (.viewer, false),
        ])
    func listPermission(role: Role, approved: Bool) {
        let decision = ListUsersRule.decide(Fixtures.listUsers(), state: Fixtures.state(member: Fixtures.member(role)))
        #expect((decision.approval != nil) == approved)
        if !approved { #expect(decision.denial?.code == .permissionDenied) }
    }

    @Test("a developer granted list_users may list but still not initiate")
    func listOverride() {
        let org = Fixtures.org(overrides: [.developer: [.listUsers: true]])
        let state = Fixtures.state(org: org, member: Fixtures.member(.developer))
        #expect(ListUsersRule.decide(Fixtures.listUsers(), state: state).approval?.actorRole == .developer)
        #expect(Fixtures.decideInitiate(state: state).denial?.code == .permissionDenied)
    }

    @Test("list users approval carries the search and the snapshot")
    func listApproval() throws {
        let approval = try #require(ListUsersRule.decide(Fixtures.listUsers(), state: Fixtures.state()).approval)
        #expect(approval.search == "sa")
        #expect(approval.environment == Fixtures.environment().snapshot)
        #expect(approval.actor.email == "user-1@platform.example")
    }

    @Test("list users needs a running, reachable environment on an eligible plan")
    func listEnvironment() {
        func code(_ state: PolicySnapshot) -> DenialCode? {
            ListUsersRule.decide(Fixtures.listUsers(), state: state).denial?.code
        }
        #expect(code(Fixtures.state(environment: Fixtures.environment(status: .cloning))) == .environmentNotRunning)
        #expect(
            code(Fixtures.state(environment: Fixtures.environment(preflight: Preflight(ok: false))))
                == .preflightFailed)
        #expect(code(Fixtures.state(environment: nil)) == .environmentUnknown)
        #expect(code(Fixtures.state(org: Fixtures.org(plan: .free))) == .planNotEligible)
        #expect(code(Fixtures.state(member: nil)) == .notAMember)
        #expect(code(Fixtures.state(org: nil)) == .orgUnknown)
    }

    @Test("environment audit: view_audit on an environment of the org")
    func environmentAudit() {
        func code(_ state: PolicySnapshot, environment: String = Fixtures.environmentId) -> DenialCode? {
            ViewAuditRule.decide(
                platformUserId: "user-1", orgId: Fixtures.orgId, scope: .environment(environment), state: state
            ).denial?.code
        }
        #expect(code(Fixtures.state()) == nil)
        #expect(code(Fixtures.state(member: Fixtures.member(.developer))) == .permissionDenied)
        #expect(code(Fixtures.state(environment: Fixtures.environment(orgId: "org-2"))) == .environmentUnknown)
        #expect(code(Fixtures.state(), environment: "env-2") == .environmentUnknown)
        let granted = Fixtures.org(overrides: [.viewer: [.viewAudit: true]])
        #expect(code(Fixtures.state(org: granted, member: Fixtures.member(.viewer))) == nil)
        // Audit stays readable whatever the plan or status: it is a record of the past.
        #expect(
            code(Fixtures.state(org: Fixtures.org(plan: .free), environment: Fixtures.environment(status: .stopped)))
                == nil)
    }

    @Test("org audit: Owners only, and only while they hold view_audit")
    func orgAudit() {
        func code(_ state: PolicySnapshot) -> DenialCode? {
            ViewAuditRule.decide(platformUserId: "user-1", orgId: Fixtures.orgId, scope: .org, state: state)
                .denial?.code
        }
        #expect(code(Fixtures.state(member: Fixtures.member(.owner))) == nil)
        #expect(code(Fixtures.state(member: Fixtures.member(.admin))) == .permissionDenied)
        let granted = Fixtures.org(overrides: [.developer: [.viewAudit: true]])
        #expect(code(Fixtures.state(org: granted, member: Fixtures.member(.developer))) == .permissionDenied)
        let withdrawn = Fixtures.org(overrides: [.owner: [.viewAudit: false]])
        #expect(code(Fixtures.state(org: withdrawn, member: Fixtures.member(.owner))) == .permissionDenied)
        #expect(code(Fixtures.state(member: nil)) == .notAMember)
    }
}
