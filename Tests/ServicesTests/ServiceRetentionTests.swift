import ConnectAsPostgres
import ConnectAsService
import Logging
import Notifier
import PolicyService
import SessionInjector
import TestSupport
import Testing

@testable import ConnectAsService

/// Each service's retention rules run against its real, migrated schema: every statement is valid SQL on the
/// columns it names, and rows that are still needed stay.
@Suite struct ServiceRetentionTests {
    static let services: [(name: String, migrations: [PostgresMigration], rules: [RetentionRule], tables: [String])] = [
        ("policy-service", PolicyMigrations.all, PolicyRetention.rules, ["decisions"]),
        ("session-injector", InjectorMigrations.all, InjectorRetention.rules, ["sessions"]),
        ("notifier", NotifierMigrations.all, NotifierRetention.rules, ["notifications", "notifier_sessions"]),
    ]

    @Test(arguments: 0..<3)
    func everyRuleRunsOnTheServicesSchema(_ index: Int) async throws {
        let service = Self.services[index]
        let logger = Logger(label: "retention-tests")
        try await TestSchema.withPool("retention", logger: logger) { pool, schema in
            try await ServiceContext.migrate(
                pool, service: service.name, schema: schema, migrations: service.migrations, logger: logger)
            let retention = RetentionService(
                pool: pool, logger: logger, retention: .seconds(86_400), rules: service.rules)
            let deleted = await retention.pruneOnce()
            // A statement that failed is logged and missing here.
            #expect(Set(deleted.keys) == Set(["processed_messages"] + service.tables))
        }
    }
}
