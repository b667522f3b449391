/// The four services of the suite; the name is also the Kafka consumer group and the PostgreSQL schema owner.
public enum ServiceName: String, Sendable, CaseIterable {
    case policyService = "policy-service"
    case sessionInjector = "session-injector"
    case auditWriter = "audit-writer"
    case notifier = "notifier"

    var defaultHTTPPort: Int {
        switch self {
        case .policyService: 8081
        case .sessionInjector: 8082
        case .auditWriter: 8083
        case .notifier: 8084
        }
    }
}
