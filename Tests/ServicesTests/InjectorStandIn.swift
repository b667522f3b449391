import ConnectAsOdoo
import ConnectAsSSH
import ConnectAsSchema
import Foundation
import Logging
import TestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The Odoo stand-in on the local stack's SSH target, seen the way the injector sees it: a server, a command, and
/// a database of its own per test (created by the stand-in's seed.py, next to its odoo-bin).
struct InjectorStandIn {
    let server: ServerEndpoint
    let keyFile: String
    let command: [String]
    let checkURL: URL
    let database: String
    let userIds: [String: Int]

    struct User: Encodable {
        var login: String
        var name: String
        var email: String? = nil
        var active = true
        var admin = false
        var lang: String? = nil
    }

    static let users: [User] = [
        User(login: "sam", name: "Sam Target", email: "sam@customer.example"),
        User(login: "ada", name: "Ada Admin", email: "ada@customer.example", admin: true),
        User(login: "old", name: "Old Timer", active: false),
        User(login: "eng", name: "Engineer's Own", email: "engineer@platform.example"),
    ]

    /// - Parameters:
    ///   - users: the database's users (its ids are in ``userIds`` by login).
    ///   - withMail: false for an Odoo without Discuss, which refuses the bell.
    static func make(
        pool: SSHConnectionPool, users: [User] = Self.users, withMail: Bool = true
    ) async throws -> InjectorStandIn {
        let server = ServerEndpoint(
            host: try StackEnvironment.require("CONNECTAS_SSH_HOST"),
            port: Int(try StackEnvironment.require("CONNECTAS_SSH_PORT")) ?? 22,
            user: try StackEnvironment.require("CONNECTAS_SSH_USER"),
            hostKeyFingerprint: try StackEnvironment.require("CONNECTAS_SSH_HOST_FINGERPRINT"))
        let keyFile = try StackEnvironment.require("CONNECTAS_SSH_KEY_ED25519")
        let command = try StackEnvironment.require("CONNECTAS_ODOO_COMMAND").split(separator: " ").map(String.init)
        guard let checkURL = URL(string: try StackEnvironment.require("CONNECTAS_ODOO_URL")),
            let conf = command.firstIndex(of: "-c").map({ command[$0 + 1] })
        else { throw InjectorTestError("CONNECTAS_ODOO_URL or the -c of CONNECTAS_ODOO_COMMAND is missing") }

        let database = "inj_" + UUID().uuidString.prefix(8).lowercased()
        let created = try await Self.seed(
            ["init", "-c", conf, "-d", database] + (withMail ? [] : ["--without-mail"]), stdin: JSONEncoder().encode(users),
            server: server, keyFile: keyFile, command: command, pool: pool)
        return InjectorStandIn(
            server: server, keyFile: keyFile, command: command, checkURL: checkURL, database: database,
            userIds: try JSONDecoder().decode([String: Int].self, from: created))
    }

    /// The user's bell notifications as the stand-in's Discuss holds them, oldest first.
    func inbox(of login: String, pool: SSHConnectionPool) async throws -> [InboxMessage] {
        let conf = command.firstIndex(of: "-c").map { command[$0 + 1] } ?? ""
        let listed = try await Self.seed(
            ["inbox", "-c", conf, "-d", database, "--login", login], stdin: Data(), server: server, keyFile: keyFile,
            command: command, pool: pool)
        return try JSONDecoder().decode([InboxMessage].self, from: listed)
    }

    /// Runs the stand-in's seed.py (beside its odoo-bin) on the SSH target, as its user; its standard output.
    private static func seed(
        _ arguments: [String], stdin: Data, server: ServerEndpoint, keyFile: String, command: [String],
        pool: SSHConnectionPool
    ) async throws -> Data {
        let script = (command[0] as NSString).deletingLastPathComponent + "/seed.py"
        let result = try await pool.exec(
            on: SSHTarget(
                host: server.host, port: server.port, user: server.user, hostKeyFingerprint: server.hostKeyFingerprint),
            credentials: .privateKeyFile(keyFile),
            command: (["python3", script] + arguments).map(OdooCommandLine.quote).joined(separator: " "),
            stdin: stdin, timeout: .seconds(30))
        guard result.succeeded else {
            throw InjectorTestError("seed.py \(arguments[0]) failed: \(String(decoding: result.stderr, as: UTF8.self))")
        }
        return result.stdout
    }

    struct InboxMessage: Decodable {
        var id: Int
        var subject: String?
        var body: String?
        var messageId: String?
    }

    func snapshot(domain: String) -> EnvironmentSnapshot {
        EnvironmentSnapshot(
            domain: domain, server: server, odooVersion: "17.0", database: database,
            runtime: .host(command: command, runAsUser: nil))
    }

    /// Odoo's verdict on a cookie: 200 and the login, or 303 to the login page.
    func check(cookie sid: String) async throws -> (status: Int, login: String?) {
        let response = try await InjectorHTTP.get(
            checkURL.appendingPathComponent("web"), headers: ["Cookie": "session_id=\(sid)"])
        struct Info: Decodable { var login: String }
        let login = response.status == 200 ? (try? JSONDecoder().decode(Info.self, from: response.body))?.login : nil
        return (response.status, login)
    }
}

/// A plain HTTP GET that neither follows redirects nor keeps cookies, so a test sees each response as it is.
enum InjectorHTTP {
    struct Response: Sendable {
        var status: Int
        var headers: [String: String]
        var body: Data

        func header(_ name: String) -> String? {
            headers.first { $0.key.lowercased() == name.lowercased() }?.value
        }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    final class NoRedirects: NSObject, URLSessionTaskDelegate, Sendable {
        func urlSession(
            _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
            newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
        ) {
            completionHandler(nil)
        }
    }

    static func get(_ url: URL, headers: [String: String] = [:], method: String = "GET") async throws -> Response {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.httpCookieStorage = nil
        configuration.timeoutIntervalForRequest = 30
        let session = URLSession(configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        var request = URLRequest(url: url)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (body, response) = try await session.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw InjectorTestError("not an HTTP response") }
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields { fields["\(name)"] = "\(value)" }
        return Response(status: http.statusCode, headers: fields, body: body)
    }
}

struct InjectorTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
