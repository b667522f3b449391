import ConnectAsSchema
import Foundation

/// What ``OdooShell/createSession(on:_:)`` needs: the request it is for (the idempotency key), the user, and the
/// rules only Odoo's data can check.
public struct OdooSessionRequest: Sendable, Hashable {
    /// Re-running with the same request id returns the same session (Odoo side, `RequestIndex`).
    public var requestId: String
    public var target: TargetSelector
    /// Refuse members of `base.group_system`.
    public var protectAdministrators: Bool
    /// Refuse the Odoo account whose login or e-mail is this (the actor's own account).
    public var actorEmail: String?

    public init(requestId: String, target: TargetSelector, protectAdministrators: Bool, actorEmail: String?) {
        self.requestId = requestId
        self.target = target
        self.protectAdministrators = protectAdministrators
        self.actorEmail = actorEmail
    }
}

/// An Odoo user as the script describes it.
public struct OdooUserInfo: Sendable, Hashable {
    public var id: Int
    public var login: String
    public var displayName: String
    public var isAdministrator: Bool
    /// Present only when the script reports it (the notifier writes to it).
    public var email: String?
    /// The user's Odoo language (`es_ES`), when the script reports one.
    public var language: String?

    public init(
        id: Int, login: String, displayName: String, isAdministrator: Bool, email: String? = nil,
        language: String? = nil
    ) {
        self.id = id
        self.login = login
        self.displayName = displayName
        self.isAdministrator = isAdministrator
        self.email = email
        self.language = language
    }
}

/// A web session Odoo now holds for the user.
public struct OdooSessionCreated: Sendable, Hashable {
    public var sid: OdooSessionID
    /// True when the request id already had this session (a retry).
    public var reused: Bool
    public var user: OdooUserInfo
    public var odooVersion: String
    public var odooMajor: Int
}

/// The environment's active internal users, superuser excluded.
public struct OdooUserList: Sendable, Hashable {
    public var users: [OdooUserInfo]
    /// More users matched than the limit.
    public var truncated: Bool
}

/// An inbox (bell) notification for one user.
public struct OdooBellNotification: Sendable, Hashable {
    public var userId: Int
    public var subject: String
    /// Plain text; the script escapes it.
    public var body: String
    /// Makes it exactly once: a second call with the same id returns the first message.
    public var notificationId: String?

    public init(userId: Int, subject: String, body: String, notificationId: String?) {
        self.userId = userId
        self.subject = subject
        self.body = body
        self.notificationId = notificationId
    }
}

public struct OdooBellResult: Sendable, Hashable {
    public var messageId: Int
    /// The notification id had already been delivered.
    public var reused: Bool
}

// MARK: - Wire form (the script's request object and result lines; see Tests/OdooStandIn/README.md).

struct ScriptUser: Encodable {
    var id: Int?
    var login: String?
}

struct ScriptRequest: Encodable {
    var v = 1
    var op: String
    var requestId: String?
    var user: ScriptUser?
    var protectAdministrators: Bool?
    var forbiddenEmail: String?
    var sid: String?
    var sids: [String]?
    var search: String?
    var limit: Int?
    var userId: Int?
    var subject: String?
    var body: String?
    var notificationId: String?

    init(op: String) { self.op = op }
}

struct ScriptOutcome: Decodable {
    var ok: Bool
    var code: String?
    var message: String?
}

struct ScriptSessionCreated: Decodable {
    var sid: String
    var reused: Bool
    var userId: Int
    var login: String
    var displayName: String
    var isAdministrator: Bool
    var email: String?
    var language: String?
    var odooVersion: String
    var odooMajor: Int
}

struct ScriptSessionDeleted: Decodable {
    var deleted: Bool
}

struct ScriptSessionsDeleted: Decodable {
    var deleted: [Bool]
}

struct ScriptUserList: Decodable {
    struct User: Decodable {
        var id: Int
        var login: String
        var displayName: String
        var isAdministrator: Bool
        var email: String?
    }
    var users: [User]
    var truncated: Bool
}

struct ScriptBellResult: Decodable {
    var messageId: Int
    var reused: Bool
}
