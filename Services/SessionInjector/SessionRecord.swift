import ConnectAsOdoo
import ConnectAsPostgres
import ConnectAsSchema
import Foundation

/// A row of `sessions`, as the handlers and the timer read it.
struct SessionRecord: Sendable {
    enum Status: String, Sendable {
        case issued, redeemed, ended, expired, revoked, denied, failed

        var isActive: Bool { self == .issued || self == .redeemed }
    }

    var sessionId: String
    var requestId: String
    var orgId: String
    var environmentId: String
    var actor: PlatformActor
    var target: ResolvedTarget?
    var environment: EnvironmentSnapshot
    var status: Status
    var sealedSid: Data?
    var keyID: String?
    var deleteAttempts: Int

    /// The columns ``init(row:)`` reads, for SELECT and RETURNING lists.
    static let columns =
        "session_id, request_id, org_id, environment_id, actor, target, environment, status, odoo_sid_sealed, key_id, "
        + "delete_attempts"

    init(row: PostgresRow) throws {
        sessionId = try row.decode("session_id")
        requestId = try row.decode("request_id")
        orgId = try row.decode("org_id")
        environmentId = try row.decode("environment_id")
        actor = try row.decode("actor", as: PostgresJSON.self).decode(PlatformActor.self)
        target = try row.decode("target", as: PostgresJSON?.self).map { try $0.decode(ResolvedTarget.self) }
        environment = try row.decode("environment", as: PostgresJSON.self).decode(EnvironmentSnapshot.self)
        let status: String = try row.decode("status")
        guard let known = Status(rawValue: status) else {
            throw PostgresError(.decodingFailed, message: "unknown session status \(status)")
        }
        self.status = known
        sealedSid = try row.decode("odoo_sid_sealed")
        keyID = try row.decode("key_id")
        deleteAttempts = try row.decode("delete_attempts")
    }

    var odooTarget: OdooTarget { OdooTarget(snapshot: environment) }

    /// The target for events; a session that has an Odoo session always has one.
    var resolvedTarget: ResolvedTarget {
        target ?? ResolvedTarget(odooUserId: 1, login: "unknown", displayName: "unknown")
    }
}
