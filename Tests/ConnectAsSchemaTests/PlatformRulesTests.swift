import ConnectAsSchema
import Testing

@Suite("Platform state rules")
struct PlatformRulesTests {
    @Test func plansAreOrderedSoStarterAndAboveIsAComparison() {
        #expect(Plan.free < .starter)
        #expect(Plan.starter < .professional)
        #expect(Plan.professional < .enterprise)
        #expect(Plan.allCases.filter { $0 >= .starter } == [.starter, .professional, .enterprise])
    }

    @Test func permissionNamesAreThePlatforms() {
        #expect(
            Permission.allCases.map(\.rawValue) == [
                "env.impersonation.list_users", "env.impersonation.initiate", "env.impersonation.view_audit",
                "env.impersonation.revoke",
            ])
    }

    @Test("defaults: owners and admins have all four, developers and viewers none", arguments: Permission.allCases)
    func defaults(_ permission: Permission) {
        #expect(PermissionMatrix.defaultGrant(permission, to: .owner))
        #expect(PermissionMatrix.defaultGrant(permission, to: .admin))
        #expect(!PermissionMatrix.defaultGrant(permission, to: .developer))
        #expect(!PermissionMatrix.defaultGrant(permission, to: .viewer))
    }

    @Test func overridesWinOverDefaults() {
        let org = Samples.orgState
        #expect(org.isGranted(.listUsers, to: .developer))
        #expect(org.isGranted(.initiate, to: .developer))
        #expect(!org.isGranted(.revoke, to: .developer))
        #expect(!org.isGranted(.revoke, to: .admin))
        #expect(org.isGranted(.viewAudit, to: .admin))
        #expect(org.isGranted(.revoke, to: .owner))
        #expect(!org.isGranted(.listUsers, to: .viewer))
    }

    @Test func environmentSnapshotCopiesTheStateItNeeds() {
        #expect(Samples.environmentState.snapshot == Samples.hostEnvironment)
    }

    @Test func defaultMaximumSessionIsOneHour() {
        #expect(PolicySettings(protectAdministrators: false).maxSessionDurationSeconds == 3600)
    }
}
