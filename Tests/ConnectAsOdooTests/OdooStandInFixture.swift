import ConnectAsOdoo
import ConnectAsSSH
import ConnectAsSchema
import Foundation
import Logging
import TestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The Odoo stand-in on the local stack's SSH target (Tests/OdooStandIn), and a fresh database of it per test.
///
/// `CONNECTAS_ODOO_COMMAND` is the stand-in's `odoo-bin -c odoo.conf`; its `seed.py` sits next to `odoo-bin` and
/// creates a database with the users a test names, so tests never share users or sessions' owners.
struct OdooStandIn {
    let ssh: SSHTarget
    let keyFile: String
    let command: [String]
    let checkURL: URL

    static let logger: Logger = {
        var logger = Logger(label: "connectas.odoo.tests")
        logger.logLevel =
            StackEnvironment.optional("CONNECTAS_TEST_LOG_LEVEL").flatMap { Logger.Level(rawValue: $0) } ?? .warning
        return logger
    }()

    init() throws {
        ssh = SSHTarget(
            host: try StackEnvironment.require("CONNECTAS_SSH_HOST"),
            port: Int(try StackEnvironment.require("CONNECTAS_SSH_PORT")) ?? 22,
            user: try StackEnvironment.require("CONNECTAS_SSH_USER"),
            hostKeyFingerprint: try StackEnvironment.require("CONNECTAS_SSH_HOST_FINGERPRINT"))
        keyFile = try StackEnvironment.require("CONNECTAS_SSH_KEY_ED25519")
        command = try StackEnvironment.require("CONNECTAS_ODOO_COMMAND").split(separator: " ").map(String.init)
        guard let url = URL(string: try StackEnvironment.require("CONNECTAS_ODOO_URL")) else {
            throw FixtureError("CONNECTAS_ODOO_URL is not a URL")
        }
        checkURL = url
    }

    var credentials: SSHCredentials { .privateKeyFile(keyFile) }

    func target(database: String) -> OdooTarget {
        OdooTarget(ssh: ssh, runtime: .host(command: command, runAsUser: nil), database: database)
    }

    /// A user of a seeded database (seed.py's format).
    struct User: Encodable {
        var login: String
        var name: String
        var email: String? = nil
        var password: String? = "secret"
        var active = true
        var share = false
        var admin = false
    }

    /// The users most tests need: an ordinary user, an administrator, an archived user, a portal user and the
    /// account of the support engineer who acts.
    static let standardUsers: [User] = [
        User(login: "sam", name: "Sam Support-Target", email: "sam@customer.example"),
        User(login: "ada", name: "Ada Admin", email: "ada@customer.example", admin: true),
        User(login: "old", name: "Old Timer", active: false),
        User(login: "portal", name: "Portal Pete", share: true),
        User(login: "eng", name: "Engineer's Own Account", email: "engineer@platform.example"),
    ]

    /// Creates a database of its own for one test, with `users`; returns its name and the users' ids by login.
    func freshDatabase(users: [User] = standardUsers, pool: SSHConnectionPool) async throws -> (String, [String: Int]) {
        let database = "t_" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
        let directory = (command[0] as NSString).deletingLastPathComponent
        guard let conf = command.firstIndex(of: "-c").map({ command[$0 + 1] }) else {
            throw FixtureError("CONNECTAS_ODOO_COMMAND has no -c CONF")
        }
        let seed = ["python3", "\(directory)/seed.py", "init", "-c", conf, "-d", database]
        let result = try await pool.exec(
            on: ssh, credentials: credentials, command: seed.map(OdooCommandLine.quote).joined(separator: " "),
            stdin: try JSONEncoder().encode(users), timeout: .seconds(30))
        guard result.succeeded else {
            throw FixtureError("seed.py failed: \(String(decoding: result.stderr, as: UTF8.self))")
        }
        let ids = try JSONDecoder().decode([String: Int].self, from: result.stdout)
        return (database, ids)
    }

    /// Runs a fixed command on the target, for checks (`test -e …`).
    func succeeds(_ arguments: [String], pool: SSHConnectionPool) async throws -> Bool {
        try await pool.exec(
            on: ssh, credentials: credentials, command: arguments.map(OdooCommandLine.quote).joined(separator: " "),
            timeout: .seconds(30)
        ).succeeded
    }

    /// What the stand-in's HTTP check (Odoo's own session check) makes of a cookie: 200 and the user's login, or
    /// 303 to the login page.
    func check(cookie sid: String) async throws -> (status: Int, login: String?) {
        try await HTTPProbe.get(
            checkURL.appendingPathComponent("web"), headers: ["Cookie": "session_id=\(sid)"]
        ).sessionCheck
    }
}

/// A plain HTTP GET that does not follow redirects and keeps no cookies, so a test sees each response as is.
enum HTTPProbe {
    struct Response: Sendable {
        var status: Int
        var headers: [String: String]
        var body: Data

        func header(_ name: String) -> String? {
            headers.first { $0.key.lowercased() == name.lowercased() }?.value
        }

        var sessionCheck: (status: Int, login: String?) {
            struct Info: Decodable { var login: String }
            return (status, status == 200 ? (try? JSONDecoder().decode(Info.self, from: body))?.login : nil)
        }
    }

    final class NoRedirects: NSObject, URLSessionTaskDelegate, Sendable {
        func urlSession(
            _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
            newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
        ) {
            completionHandler(nil)
        }
    }

    static func get(_ url: URL, headers: [String: String] = [:]) async throws -> Response {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.httpCookieStorage = nil
        configuration.timeoutIntervalForRequest = 20
        let session = URLSession(configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        var request = URLRequest(url: url)
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (body, response) = try await session.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw FixtureError("not an HTTP response") }
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields { fields["\(name)"] = "\(value)" }
        return Response(status: http.statusCode, headers: fields, body: body)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body` with a pool and a shell over it, and shuts the pool down after, whatever happens.
@discardableResult
func withShell<T>(
    timeout: Duration = .seconds(60),
    _ body: (OdooShell, OdooStandIn, SSHConnectionPool) async throws -> T
) async throws -> T {
    let standIn = try OdooStandIn()
    let pool = SSHConnectionPool(logger: OdooStandIn.logger)
    let shell = OdooShell(
        pool: pool, credentials: standIn.credentials, timeout: timeout, logger: OdooStandIn.logger)
    do {
        let value = try await body(shell, standIn, pool)
        await pool.shutdown()
        return value
    } catch {
        await pool.shutdown()
        throw error
    }
}
