import ConnectAsPolicy
import ConnectAsSchema
import Testing

@Suite("RevokeSession and EndSession decisions")
struct RevokeEndRuleTests {
    @Test(
        "revoke needs env.impersonation.revoke",
        arguments: [
            (Role.owner, true), (.admin, true), (.developer, false),
            (.viewer, false),
        ])
    func revokePermission(role: Role, approved: Bool) {
        let decision = RevokeRule.decide(
            Fixtures.revoke(), state: Fixtures.state(member: Fixtures.member(role)), session: Fixtures.session())
        #expect((decision.approval != nil) == approved)
        if !approved { #expect(decision.denial?.code == .permissionDenied) }
    }

    @Test("revoke follows the org's overrides, even against the session's own initiator")
    func revokeOverrides() {
        let granted = Fixtures.org(overrides: [.viewer: [.revoke: true]])
        #expect(
            RevokeRule.decide(
                Fixtures.revoke(), state: Fixtures.state(org: granted, member: Fixtures.member(.viewer)),
                session: Fixtures.session()
            ).approval != nil)
        let withdrawn = Fixtures.org(overrides: [.admin: [.revoke: false]])
        #expect(
            RevokeRule.decide(
                Fixtures.revoke(), state: Fixtures.state(org: withdrawn), session: Fixtures.session()
            ).denial?.code == .permissionDenied)
    }

    @Test("revoke approval carries the environment snapshot, the actor from state and the trimmed reason")
    func revokeApproval() throws {
        let approval = try #require(
            RevokeRule.decide(
                Fixtures.revoke(reason: "  customer asked \n"), state: Fixtures.state(),
                session: Fixtures.session()
            ).approval)
        #expect(approval.sessionId == "session-1")
        #expect(approval.actor.email == "user-1@platform.example")
        #expect(approval.actorRole == .admin)
        #expect(approval.reason == "customer asked")
        #expect(approval.environment == Fixtures.environment().snapshot)
    }

    @Test("revoke works whatever the plan or the environment's status")
    func revokeIgnoresPlanAndStatus() {
        let state = Fixtures.state(
            org: Fixtures.org(plan: .free),
            environment: Fixtures.environment(status: .stopped, preflight: Preflight(ok: false)))
        #expect(RevokeRule.decide(Fixtures.revoke(), state: state, session: Fixtures.session()).approval != nil)
    }

    @Test("a session unknown, or approved on another environment or org, is session_not_found")
    func sessionScope() {
        for session in [nil, Fixtures.session(environmentId: "env-2"), Fixtures.session(orgId: "org-2")] {
            #expect(
                RevokeRule.decide(Fixtures.revoke(), state: Fixtures.state(), session: session)
                    .denial?.code == .sessionNotFound)
            #expect(
                EndRule.decide(Fixtures.end(), state: Fixtures.state(), session: session)
                    .denial?.code == .sessionNotFound)
        }
        var other = Fixtures.session()
        other.sessionId = "session-2"
        #expect(
            RevokeRule.decide(Fixtures.revoke(), state: Fixtures.state(), session: other)
                .denial?.code == .sessionNotFound)
    }

    @Test("revoke: unknown org, non-member, environment of another org, bad reason")
    func revokeDenials() {
        let session = Fixtures.session()
        #expect(
            RevokeRule.decide(Fixtures.revoke(), state: Fixtures.state(org: nil), session: session)
                .denial?.code == .orgUnknown)
        #expect(
            RevokeRule.decide(Fixtures.revoke(), state: Fixtures.state(member: nil), session: session)
                .denial?.code == .notAMember)
        #expect(
            RevokeRule.decide(
                Fixtures.revoke(), state: Fixtures.state(environment: Fixtures.environment(orgId: "org-2")),
                session: session
            ).denial?.code == .environmentUnknown)
        #expect(
            RevokeRule.decide(Fixtures.revoke(reason: "bad\u{1B}reason"), state: Fixtures.state(), session: session)
                .denial?.code == .reasonInvalidCharacters)
    }

    @Test("end: the initiator may end their own session without the revoke permission")
    func endByInitiator() throws {
        let approval = try #require(
            EndRule.decide(
                Fixtures.end(), state: Fixtures.state(member: Fixtures.member(.developer)),
                session: Fixtures.session(actor: "user-1")
            ).approval)
        #expect(approval.actorRole == .developer)
        #expect(approval.actor.email == "user-1@platform.example")
    }

    @Test("end: anyone else needs env.impersonation.revoke")
    func endByOthers() {
        let session = Fixtures.session(actor: "user-9")
        #expect(
            EndRule.decide(
                Fixtures.end(), state: Fixtures.state(member: Fixtures.member(.developer)),
                session: session
            ).denial?.code == .permissionDenied)
        #expect(
            EndRule.decide(
                Fixtures.end(), state: Fixtures.state(member: Fixtures.member(.admin)),
                session: session
            ).approval != nil)
        let granted = Fixtures.org(overrides: [.developer: [.revoke: true]])
        #expect(
            EndRule.decide(
                Fixtures.end(), state: Fixtures.state(org: granted, member: Fixtures.member(.developer)),
                session: session
            ).approval != nil)
    }

    @Test("end: the initiator must still be a member of the org")
    func endByFormerMember() {
        #expect(
            EndRule.decide(Fixtures.end(), state: Fixtures.state(member: nil), session: Fixtures.session())
                .denial?.code == .notAMember)
        #expect(
            EndRule.decide(Fixtures.end(), state: Fixtures.state(org: nil), session: Fixtures.session())
                .denial?.code == .orgUnknown)
    }

    @Test("end works whatever the plan or the environment's status, and trims its reason")
    func endIgnoresPlanAndStatus() throws {
        let state = Fixtures.state(
            org: Fixtures.org(plan: .free), environment: Fixtures.environment(status: .deploying))
        let approval = try #require(
            EndRule.decide(Fixtures.end(reason: " done "), state: state, session: Fixtures.session()).approval)
        #expect(approval.reason == "done")
        #expect(
            EndRule.decide(Fixtures.end(reason: "   "), state: state, session: Fixtures.session())
                .approval?.reason == nil)
    }
}
