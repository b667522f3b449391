import ConnectAsPolicy
import ConnectAsSchema
import Foundation
import Testing

@Suite("InitiateSession decisions")
struct InitiateRuleTests {
    @Test("an approval carries the environment snapshot, the org's settings and the actor as state knows them")
    func approvalContents() throws {
        let approval = try #require(Fixtures.decideInitiate().approval)
        let org = Fixtures.org()
        #expect(approval.sessionId == "session-1")
        #expect(approval.requestId == "req-1")
        #expect(approval.actor == PlatformActor(platformUserId: "user-1", email: "user-1@platform.example"))
        #expect(approval.actorRole == .admin)
        #expect(approval.environment == Fixtures.environment().snapshot)
        #expect(approval.notifications == org.notifications)
        #expect(approval.maxSessionDurationSeconds == 1800)
        #expect(approval.protectAdministrators)
        #expect(approval.target == .login("sam"))
        #expect(approval.clientIp == "203.0.113.7")
        #expect(approval.userAgent == "Mozilla/5.0")
    }

    @Test("the default maximum duration is one hour")
    func defaultMaximumDuration() throws {
        var org = Fixtures.org()
        org.policy = PolicySettings(protectAdministrators: false)
        let approval = try #require(Fixtures.decideInitiate(state: Fixtures.state(org: org)).approval)
        #expect(approval.maxSessionDurationSeconds == 3600)
        #expect(!approval.protectAdministrators)
    }

    @Test("roles by default", arguments: [(Role.owner, true), (.admin, true), (.developer, false), (.viewer, false)])
    func roleDefaults(role: Role, approved: Bool) {
        let decision = Fixtures.decideInitiate(state: Fixtures.state(member: Fixtures.member(role)))
        #expect((decision.approval != nil) == approved)
        if !approved { #expect(decision.denial?.code == .permissionDenied) }
    }

    @Test("an org's overrides decide over the defaults")
    func overrides() {
        let granted = Fixtures.org(overrides: [.developer: [.initiate: true]])
        #expect(
            Fixtures.decideInitiate(state: Fixtures.state(org: granted, member: Fixtures.member(.developer)))
                .approval?.actorRole == .developer)
        let withdrawn = Fixtures.org(overrides: [.owner: [.initiate: false]])
        #expect(
            Fixtures.decideInitiate(state: Fixtures.state(org: withdrawn, member: Fixtures.member(.owner)))
                .denial?.code == .permissionDenied)
        // Another permission granted does not stand in for initiate.
        let listOnly = Fixtures.org(overrides: [.viewer: [.listUsers: true, .viewAudit: true, .revoke: true]])
        #expect(
            Fixtures.decideInitiate(state: Fixtures.state(org: listOnly, member: Fixtures.member(.viewer)))
                .denial?.code == .permissionDenied)
    }

    @Test("unknown org and non-members are refused")
    func membership() {
        #expect(Fixtures.decideInitiate(state: Fixtures.state(org: nil)).denial?.code == .orgUnknown)
        #expect(Fixtures.decideInitiate(state: Fixtures.state(member: nil)).denial?.code == .notAMember)
    }

    @Test(
        "plan gate: Starter and above",
        arguments: [
            (Plan.free, false), (.starter, true), (.professional, true),
            (.enterprise, true),
        ])
    func planGate(plan: Plan, approved: Bool) {
        let decision = Fixtures.decideInitiate(state: Fixtures.state(org: Fixtures.org(plan: plan)))
        #expect((decision.approval != nil) == approved)
        if !approved { #expect(decision.denial?.code == .planNotEligible) }
    }

    @Test("only a running environment admits a session", arguments: EnvironmentStatus.allCases)
    func status(status: EnvironmentStatus) {
        let decision = Fixtures.decideInitiate(state: Fixtures.state(environment: Fixtures.environment(status: status)))
        if status == .running {
            #expect(decision.approval != nil)
        } else {
            #expect(decision.denial?.code == .environmentNotRunning)
            #expect(decision.denial?.message.contains(status.rawValue) == true)
        }
    }

    @Test("an unknown environment, or one of another org, is environment_unknown")
    func environmentOfTheOrg() {
        #expect(Fixtures.decideInitiate(state: Fixtures.state(environment: nil)).denial?.code == .environmentUnknown)
        let foreign = Fixtures.environment(orgId: "org-2")
        #expect(
            Fixtures.decideInitiate(state: Fixtures.state(environment: foreign)).denial?.code == .environmentUnknown)
        let other = Fixtures.environment(environmentId: "env-2")
        #expect(Fixtures.decideInitiate(state: Fixtures.state(environment: other)).denial?.code == .environmentUnknown)
    }

    @Test("a failed SSH preflight is refused with its failures")
    func preflight() throws {
        let failed = Fixtures.environment(preflight: Preflight(ok: false, failures: ["host key changed"]))
        let denial = try #require(Fixtures.decideInitiate(state: Fixtures.state(environment: failed)).denial)
        #expect(denial.code == .preflightFailed)
        #expect(denial.message.contains("host key changed"))
    }

    @Test(
        "Odoo 13.0 through 19.0",
        arguments: [
            ("12.0", false), ("13.0", true), ("16.0", true), ("saas~17.2", true),
            ("19.0", true), ("20.0", false), ("master", false), ("", false),
        ])
    func odooVersions(version: String, approved: Bool) {
        let environment = Fixtures.environment(odooVersion: version)
        let decision = Fixtures.decideInitiate(state: Fixtures.state(environment: environment))
        #expect((decision.approval != nil) == approved)
        if !approved { #expect(decision.denial?.code == .odooVersionUnsupported) }
    }

    @Test("the reason is judged and carried trimmed")
    func reason() throws {
        let approval = try #require(
            Fixtures.decideInitiate(Fixtures.initiate(reason: "  \n Investigating ticket 42 \t\n")).approval)
        #expect(approval.reason == "Investigating ticket 42")
        #expect(Fixtures.decideInitiate(Fixtures.initiate(reason: "   ")).denial?.code == .reasonTooShort)
    }

    @Test("rate limits: the client IP's hour, then the environment's minute")
    func rateLimits() throws {
        let now = Fixtures.now
        let fiveThisHour = [3570.0, 2000, 1000, 100, 10].map { now.addingTimeInterval(-$0) }
        let ipDenial = try #require(
            Fixtures.decideInitiate(recent: RecentInitiations(fromClientIp: fiveThisHour, onEnvironment: [])).denial)
        #expect(ipDenial.code == .rateLimitedClientIp)
        #expect(ipDenial.retryAfterSeconds == 30)

        let threeThisMinute = [now.addingTimeInterval(-50), now.addingTimeInterval(-20), now.addingTimeInterval(-1)]
        let environmentDenial = try #require(
            Fixtures.decideInitiate(recent: RecentInitiations(fromClientIp: [], onEnvironment: threeThisMinute)).denial)
        #expect(environmentDenial.code == .rateLimitedEnvironment)
        #expect(environmentDenial.retryAfterSeconds == 10)

        let both = RecentInitiations(fromClientIp: fiveThisHour, onEnvironment: threeThisMinute)
        #expect(Fixtures.decideInitiate(recent: both).denial?.code == .rateLimitedClientIp)
        let under = RecentInitiations(fromClientIp: Array(fiveThisHour.prefix(4)), onEnvironment: [now, now])
        #expect(Fixtures.decideInitiate(recent: under).approval != nil)
    }

    @Test("authorization is decided before anything about the environment or the request")
    func order() {
        let everythingWrong = Fixtures.state(
            org: Fixtures.org(plan: .free), member: Fixtures.member(.viewer),
            environment: Fixtures.environment(status: .stopped))
        let full = RecentInitiations(fromClientIp: Array(repeating: Fixtures.now, count: 9), onEnvironment: [])
        #expect(
            Fixtures.decideInitiate(Fixtures.initiate(reason: "x"), state: everythingWrong, recent: full)
                .denial?.code == .permissionDenied)
        let admin = Fixtures.state(
            org: Fixtures.org(plan: .free), environment: Fixtures.environment(status: .stopped))
        #expect(
            Fixtures.decideInitiate(Fixtures.initiate(reason: "x"), state: admin, recent: full)
                .denial?.code == .planNotEligible)
        let starter = Fixtures.state(environment: Fixtures.environment(status: .stopped))
        #expect(
            Fixtures.decideInitiate(Fixtures.initiate(reason: "x"), state: starter, recent: full)
                .denial?.code == .environmentNotRunning)
        #expect(Fixtures.decideInitiate(Fixtures.initiate(reason: "x"), recent: full).denial?.code == .reasonTooShort)
        #expect(Fixtures.decideInitiate(recent: full).denial?.code == .rateLimitedClientIp)
    }
}
