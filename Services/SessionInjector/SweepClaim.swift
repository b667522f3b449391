import ConnectAsOdoo

/// The rows each job of the timer claims: which are due, in which order, how many at once. The conditions are
/// constants of this type, never input.
enum SweepClaim: Sendable {
    /// Issued links unused past their lifetime, and issued sessions past their maximum duration.
    case unusedLinks
    /// Redeemed sessions past their maximum duration.
    case expiredSessions
    /// Deletes due on closed sessions: the second pass, and deletes that failed.
    case pendingDeletes
    /// Links whose reply was not confirmed, old enough that the handler is done with them and young enough to use.
    case unsentLinks

    var condition: String {
        switch self {
        case .unusedLinks:
            // A burnt link is being ended or revoked by a handler right now; only its maximum duration concerns
            // the timer.
            """
            status = 'issued' \
            AND ((link_expires_at <= now() AND link_burnt_at IS NULL) OR session_expires_at <= now())
            """
        case .expiredSessions:
            "status = 'redeemed' AND session_expires_at <= now()"
        case .pendingDeletes:
            "delete_due_at <= now() AND status NOT IN ('issued', 'redeemed')"
        case .unsentLinks:
            """
            status = 'issued' AND reply_sent_at IS NULL AND link_burnt_at IS NULL \
            AND issued_at < now() - interval '30 seconds' AND link_expires_at > now() + interval '10 seconds'
            """
        }
    }

    var order: String {
        switch self {
        case .unusedLinks: "link_expires_at"
        case .expiredSessions: "session_expires_at"
        case .pendingDeletes: "delete_due_at"
        case .unsentLinks: "issued_at"
        }
    }

    /// Deletes go to the shell in batches of its size; a re-issue is one reply each.
    var limit: Int {
        switch self {
        case .unusedLinks, .expiredSessions, .pendingDeletes: OdooShell.maxSessionsPerDelete
        case .unsentLinks: 16
        }
    }
}
