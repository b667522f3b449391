/// The moments the impersonated user is told about: someone signed in as them, and how that session closed.
enum NoticeKind: String, CaseIterable, Sendable {
    /// The one-time link was opened: support is now signed in as the user.
    case redeemed
    /// A redeemed session ended: an EndSession, or its maximum duration.
    case ended
    /// A redeemed session was revoked.
    case revoked
    /// A session was prepared (its Odoo session existed) but never used: its link expired, or it was ended or
    /// revoked before anyone opened it.
    case unused

    /// The queue's event kind, part of each notification's identity and so of its Message-ID and bell id. Every
    /// closing notice shares one, so a session is told of its end once, whatever events follow.
    var identityKind: String { self == .redeemed ? "session_redeemed" : "session_closed" }
}
