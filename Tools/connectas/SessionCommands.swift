import ArgumentParser
import ConnectAsPlatform
import ConnectAsSchema
import Foundation

/// The actor and request shared by the commands that act on a session.
struct ActorOptions: ParsableArguments {
    @Option(help: "Org id.") var org: String
    @Option(help: "Environment id.") var env: String
    @Option(help: "Platform user id of the support person acting.") var actor: String
    @Option(help: "Their e-mail.") var actorEmail: String
    @Option(help: "Seconds to wait for the reply.") var timeout = 60

    var platformActor: PlatformActor { PlatformActor(platformUserId: actor, email: actorEmail) }
}

/// Sends a command and prints the reply the suite sends back for it.
func sendAndAwaitReply<Command: MessagePayload>(
    _ command: Command, requestID: String, connection: ConnectionOptions, timeout: Int
) async throws -> DecodedEvent {
    let collector = try await ReplyCollector.start(connection)
    do {
        try await PlatformPublisher.with(connection) { _ = try await $0.publish(command) }
        let reply = try await collector.reply(for: requestID, timeout: .seconds(timeout)).reply
        await collector.stop()
        print(String(decoding: try EventCodec.encode(reply), as: UTF8.self))
        switch reply.message {
        case .requestDeniedReply: throw ExitCode(2)
        case .requestFailedReply: throw ExitCode(3)
        default: return reply
        }
    } catch {
        await collector.stop()
        throw error
    }
}

struct Initiate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ask for a session as an Odoo user; prints the reply (the one-time link, or why not).")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var actor: ActorOptions
    @Option(help: "Target Odoo login.") var login: String?
    @Option(help: "Target Odoo user id.") var userId: Int?
    @Option(help: "Why (10 to 500 characters; goes in the audit).") var reason: String
    @Option(help: "The support person's browser IP.") var clientIp = "127.0.0.1"
    @Option(help: "Their browser's user agent.") var userAgent = "connectas-cli"

    func run() async throws {
        let target: TargetSelector
        switch (login, userId) {
        case (let login?, nil): target = .login(login)
        case (nil, let id?): target = .odooUserId(id)
        default: throw ValidationError("give exactly one of --login and --user-id")
        }
        let requestID = UUID().uuidString.lowercased()
        let command = InitiateSession(
            requestId: requestID, orgId: actor.org, environmentId: actor.env, actor: actor.platformActor,
            target: target, reason: reason, clientIp: clientIp, userAgent: userAgent)
        _ = try await sendAndAwaitReply(command, requestID: requestID, connection: connection, timeout: actor.timeout)
    }
}

/// The session and the optional reason that End and Revoke take.
struct SessionOptions: ParsableArguments {
    @Option(help: "Session id.") var session: String
    @Option(help: "Optional reason.") var reason: String?
}

struct End: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "End a session (deletes its Odoo session).")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var actor: ActorOptions
    @OptionGroup var target: SessionOptions

    func run() async throws {
        let requestID = UUID().uuidString.lowercased()
        let command = EndSession(
            requestId: requestID, orgId: actor.org, environmentId: actor.env, sessionId: target.session,
            actor: actor.platformActor, reason: target.reason)
        _ = try await sendAndAwaitReply(command, requestID: requestID, connection: connection, timeout: actor.timeout)
    }
}

struct Revoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Revoke a session at once (needs .revoke).")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var actor: ActorOptions
    @OptionGroup var target: SessionOptions

    func run() async throws {
        let requestID = UUID().uuidString.lowercased()
        let command = RevokeSession(
            requestId: requestID, orgId: actor.org, environmentId: actor.env, sessionId: target.session,
            actor: actor.platformActor, reason: target.reason)
        _ = try await sendAndAwaitReply(command, requestID: requestID, connection: connection, timeout: actor.timeout)
    }
}

struct ListUsers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the environment's active Odoo users.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var actor: ActorOptions
    @Option(help: "Search text.") var search: String?

    func run() async throws {
        let requestID = UUID().uuidString.lowercased()
        let command = ConnectAsSchema.ListUsers(
            requestId: requestID, orgId: actor.org, environmentId: actor.env, actor: actor.platformActor,
            search: search)
        _ = try await sendAndAwaitReply(command, requestID: requestID, connection: connection, timeout: actor.timeout)
    }
}
