/// Why a command was refused: stable, machine-readable, one per rule, so the platform can show its own text and a
/// SIEM can count them. The human `message` beside it may change freely; these raw values may not.
///
/// Strict like every ``SchemaEnum``: a consumer that meets a code it does not know reports
/// ``SchemaError/Code/invalidValue`` and dead-letters the message rather than audit a denial it cannot name. Add codes
/// to consumers (audit-writer, notifier, the platform) before policy-service starts emitting them.
public enum DenialCode: String, SchemaEnum {
    /// The actor is not a member of the org in policy-service's copy of platform state.
    case notAMember = "not_a_member"
    /// The actor's role lacks the permission the command needs.
    case permissionDenied = "permission_denied"
    /// policy-service has no state for the org (unknown, or not yet received).
    case orgUnknown = "org_unknown"
    /// No such environment in the org (also used when it belongs to another org, so as not to reveal it).
    case environmentUnknown = "environment_unknown"
    /// The org's plan is below Starter.
    case planNotEligible = "plan_not_eligible"
    /// The environment is deploying, cloning or stopped.
    case environmentNotRunning = "environment_not_running"
    /// The platform's SSH preflight for the environment has failures.
    case preflightFailed = "preflight_failed"
    /// The Odoo series is outside 13.0–19.0.
    case odooVersionUnsupported = "odoo_version_unsupported"
    /// Fewer than 10 characters once trimmed (including none at all).
    case reasonTooShort = "reason_too_short"
    /// More than 500 characters once trimmed.
    case reasonTooLong = "reason_too_long"
    /// The reason contains control characters.
    case reasonInvalidCharacters = "reason_invalid_characters"
    /// More than 5 initiations in an hour from the client IP.
    case rateLimitedClientIp = "rate_limited_client_ip"
    /// More than 3 initiations in a minute on the environment.
    case rateLimitedEnvironment = "rate_limited_environment"
    /// No active internal Odoo user matches the target.
    case targetNotFound = "target_not_found"
    /// The target exists but is archived.
    case targetInactive = "target_inactive"
    /// The target is an Odoo administrator and the org protects administrators.
    case targetProtectedAdministrator = "target_protected_administrator"
    /// The target's Odoo account is the actor's own (same e-mail).
    case targetIsSelf = "target_is_self"
    /// End or revoke of a session the suite does not know in that environment.
    case sessionNotFound = "session_not_found"
    /// End or revoke of a session that has already ended, expired, failed or been revoked.
    case sessionNotActive = "session_not_active"
    /// The command broke a rule of the contract (a field's limit or characters, a duplicate key, its size); the
    /// reply's `field` names where. Sent instead of a dead letter whenever the command's request id is readable.
    case invalidRequest = "invalid_request"
    /// The command's CloudEvents `time` is older than ``DenialCode/commandMaxAgeSeconds`` (or that far in the
    /// future): a replay from an old offset or a stuck producer is not decided again.
    case commandExpired = "command_expired"

    /// How old a command may be when policy-service reads it: 10 minutes. The idempotency records (processed
    /// message ids, decisions) are kept for `CONNECTAS_RETENTION_DAYS` (30 days), far longer, so a replayed command
    /// inside the window is recognised as a duplicate and one outside it is refused as expired.
    public static let commandMaxAgeSeconds = 600
}
