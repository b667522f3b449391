/// CloudEvents `source` values (URI references) for the suite's services, so that every producer spells itself the
/// same way and a SIEM can filter by service. The platform chooses its own.
public enum EventSource {
    public static let policyService = "/connectas/policy-service"
    public static let sessionInjector = "/connectas/session-injector"
    public static let auditWriter = "/connectas/audit-writer"
    public static let notifier = "/connectas/notifier"
}
