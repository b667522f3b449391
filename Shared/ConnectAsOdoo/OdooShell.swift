import ConnectAsSSH
import ConnectAsSchema
import Foundation
import Logging

/// Runs one operation of the production Odoo script (`connectas_shell.py`) on a server, over the pool's shared SSH
/// connection to it.
///
/// Each call runs a fixed `odoo shell` command line (``OdooCommandLine``) and sends the request on standard input;
/// the script answers with one `CONNECTAS-RESULT {json}` line. Refusals (`ok: false`) and every other failure are
/// thrown as ``OdooShellError``. Every operation is idempotent, so a caller may retry what
/// ``OdooShellError/isRetriable`` allows; nothing is retried here.
public struct OdooShell: Sendable {
    public let pool: SSHConnectionPool
    let credentials: SSHCredentials
    public let timeout: Duration
    let logger: Logger

    /// - Parameters:
    ///   - credentials: the key store's private key; the same for every server.
    ///   - timeout: bounds each operation, connecting and starting Odoo included (a cold shell takes seconds).
    public init(pool: SSHConnectionPool, credentials: SSHCredentials, timeout: Duration = .seconds(60), logger: Logger)
    {
        self.pool = pool
        self.credentials = credentials
        self.timeout = timeout
        self.logger = logger
    }

    /// Creates a web session for the user, or returns the one already created for `request.requestId`.
    public func createSession(on target: OdooTarget, _ request: OdooSessionRequest) async throws -> OdooSessionCreated {
        var script = ScriptRequest(op: "create_session")
        script.requestId = request.requestId
        switch request.target {
        case .odooUserId(let id): script.user = ScriptUser(id: id)
        case .login(let login): script.user = ScriptUser(login: login)
        }
        script.protectAdministrators = request.protectAdministrators
        script.forbiddenEmail = request.actorEmail
        let result = try await run(script, on: target, as: ScriptSessionCreated.self)
        return OdooSessionCreated(
            sid: OdooSessionID(rawValue: result.sid), reused: result.reused,
            user: OdooUserInfo(
                id: result.userId, login: result.login, displayName: result.displayName,
                isAdministrator: result.isAdministrator, email: result.email, language: result.language),
            odooVersion: result.odooVersion, odooMajor: result.odooMajor)
    }

    /// Deletes the session (on 18+ with its rotated copies). A session that is already gone is a success.
    /// - Returns: whether it still existed.
    @discardableResult
    public func deleteSession(on target: OdooTarget, sid: OdooSessionID) async throws -> Bool {
        var script = ScriptRequest(op: "delete_session")
        script.sid = sid.rawValue
        return try await run(script, on: target, as: ScriptSessionDeleted.self).deleted
    }

    /// Deletes up to ``maxSessionsPerDelete`` sessions of one server in one run of the shell; whether each existed,
    /// in order. Every id is checked on the server before any is deleted, and deleting a missing one succeeds.
    public func deleteSessions(on target: OdooTarget, sids: [OdooSessionID]) async throws -> [Bool] {
        guard !sids.isEmpty else { return [] }
        guard sids.count <= Self.maxSessionsPerDelete else {
            throw OdooShellError(.badRequest, "at most \(Self.maxSessionsPerDelete) sessions per delete")
        }
        var script = ScriptRequest(op: "delete_sessions")
        script.sids = sids.map(\.rawValue)
        let deleted = try await run(script, on: target, as: ScriptSessionsDeleted.self).deleted
        guard deleted.count == sids.count else {
            throw OdooShellError(.protocolError, "delete_sessions answered \(deleted.count) results for \(sids.count)")
        }
        return deleted
    }

    /// The production script's bound on `delete_sessions` (`MAX_SIDS`).
    public static let maxSessionsPerDelete = 64

    /// The active internal users (superuser excluded) whose login, name or e-mail contains `search`.
    public func listUsers(on target: OdooTarget, search: String?, limit: Int = 200) async throws -> OdooUserList {
        var script = ScriptRequest(op: "list_users")
        script.search = search
        script.limit = limit
        let result = try await run(script, on: target, as: ScriptUserList.self)
        return OdooUserList(
            users: result.users.map {
                OdooUserInfo(
                    id: $0.id, login: $0.login, displayName: $0.displayName, isAdministrator: $0.isAdministrator,
                    email: $0.email)
            },
            truncated: result.truncated)
    }

    /// Posts an inbox (bell) notification to the user, whatever their e-mail preference.
    public func notifyBell(on target: OdooTarget, _ notification: OdooBellNotification) async throws -> OdooBellResult {
        var script = ScriptRequest(op: "notify_bell")
        script.userId = notification.userId
        script.subject = notification.subject
        script.body = notification.body
        script.notificationId = notification.notificationId
        let result = try await run(script, on: target, as: ScriptBellResult.self)
        return OdooBellResult(messageId: result.messageId, reused: result.reused)
    }

    func run<Result: Decodable>(
        _ request: ScriptRequest, on target: OdooTarget, as: Result.Type
    ) async throws
        -> Result
    {
        var logger = logger
        logger[metadataKey: OdooLoggingKeys.operation] = "\(request.op)"
        logger[metadataKey: OdooLoggingKeys.target] = "\(target.ssh)"
        logger[metadataKey: OdooLoggingKeys.database] = "\(target.database)"
        let started = ContinuousClock.now
        do {
            let result = try await runOnce(request, on: target, as: Result.self)
            logger.debug("odoo shell answered", metadata: [OdooLoggingKeys.duration: "\(started.duration(to: .now))"])
            return result
        } catch let error as OdooShellError {
            logger.log(
                level: error.isRefusal ? .info : .warning, "odoo shell operation failed",
                metadata: [
                    OdooLoggingKeys.errorCode: "\(error.code)", OdooLoggingKeys.error: "\(error.message)",
                    OdooLoggingKeys.duration: "\(started.duration(to: .now))",
                ])
            throw error
        }
    }

    private func runOnce<Result: Decodable>(
        _ request: ScriptRequest, on target: OdooTarget, as: Result.Type
    )
        async throws -> Result
    {
        let command = try OdooCommandLine.command(for: target)
        let input = try OdooScript.standardInput(for: request)
        let output: SSHExecResult
        do {
            output = try await pool.exec(
                on: target.ssh, credentials: credentials, command: command, stdin: input, timeout: timeout)
        } catch let error as SSHError {
            throw OdooShellError.from(error)
        }
        let line = try OdooScript.outcome(
            stdout: output.stdout, stderr: output.stderr, exitStatus: output.exitStatus,
            exitSignal: output.exitSignal)
        let decoder = JSONDecoder()
        let outcome: ScriptOutcome
        do {
            outcome = try decoder.decode(ScriptOutcome.self, from: line)
        } catch {
            throw OdooShellError(.protocolError, "the result line is not the expected JSON object")
        }
        guard outcome.ok else {
            throw OdooShellError.refusal(
                code: outcome.code ?? "internal", message: outcome.message ?? "refused without a message")
        }
        do {
            return try decoder.decode(Result.self, from: line)
        } catch {
            // Not quoted: a create_session result holds the session id.
            throw OdooShellError(.protocolError, "the \(request.op) result lacks fields: \(Self.describe(error))")
        }
    }

    /// A decoding error without the values it saw.
    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "no \(key.stringValue)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default: "malformed"
        }
    }
}
