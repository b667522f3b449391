import ConnectAsSchema
import Foundation

/// A command is decided only while it is fresh: its CloudEvents `time` at most
/// ``DenialCode/commandMaxAgeSeconds`` before the decision, and no more than that after it (a producer's clock far
/// ahead would otherwise stretch the window). A consumer-group reset or a long topic retention then replays old
/// commands into `command_expired` denials, audited, instead of new sessions.
public enum FreshnessRule {
    public static func denial(sentAt: Date, now: Date, maxAge: Int = DenialCode.commandMaxAgeSeconds) -> Denial? {
        let age = now.timeIntervalSince(sentAt)
        guard abs(age) > Double(maxAge) else { return nil }
        return Denial(
            .commandExpired,
            age > 0
                ? "the command was sent \(Int(age)) s ago; commands older than \(maxAge) s are not decided"
                : "the command's time is \(Int(-age)) s in the future; check the producer's clock")
    }

    /// `decision`, unless the command is too old to be decided at all.
    public static func apply<Approval: Sendable>(
        sentAt: Date, now: Date, _ decision: () -> PolicyDecision<Approval>
    ) -> PolicyDecision<Approval> {
        if let denial = denial(sentAt: sentAt, now: now) { return .denied(denial) }
        return decision()
    }
}
