import ConnectAsSSH
import Foundation
import Logging
import TestSupport

/// The local stack's OpenSSH server (scripts/stack start), read from the environment.
struct SSHTestServer {
    let target: SSHTarget
    let ed25519: SSHCredentials
    let ecdsa: SSHCredentials
    let rsa: SSHCredentials
    let unknown: SSHCredentials

    init() throws {
        let portText = try StackEnvironment.require("CONNECTAS_SSH_PORT")
        guard let port = Int(portText) else { throw InvalidEnvironment(description: "CONNECTAS_SSH_PORT=\(portText)") }
        target = SSHTarget(
            host: try StackEnvironment.require("CONNECTAS_SSH_HOST"), port: port,
            user: try StackEnvironment.require("CONNECTAS_SSH_USER"),
            hostKeyFingerprint: try StackEnvironment.require("CONNECTAS_SSH_HOST_FINGERPRINT"))
        ed25519 = .privateKeyFile(try StackEnvironment.require("CONNECTAS_SSH_KEY_ED25519"))
        ecdsa = .privateKeyFile(try StackEnvironment.require("CONNECTAS_SSH_KEY_ECDSA"))
        rsa = .privateKeyFile(try StackEnvironment.require("CONNECTAS_SSH_KEY_RSA"))
        unknown = .privateKeyFile(try StackEnvironment.require("CONNECTAS_SSH_KEY_UNKNOWN"))
    }

    static let logger: Logger = {
        var logger = Logger(label: "ConnectAsSSHTests")
        logger.logLevel =
            StackEnvironment.optional("CONNECTAS_TEST_LOG_LEVEL").flatMap { Logger.Level(rawValue: $0) } ?? .error
        return logger
    }()

    /// Runs `body` with a fresh pool and shuts the pool down afterwards, whatever happens.
    func withPool<T>(
        _ configure: (inout SSHClientConfiguration) -> Void = { _ in },
        _ body: (SSHConnectionPool) async throws -> T
    ) async throws -> T {
        var configuration = SSHClientConfiguration()
        configuration.connectTimeout = .seconds(5)
        configuration.commandTimeout = .seconds(20)
        configure(&configuration)
        let pool = SSHConnectionPool(configuration: configuration, logger: Self.logger)
        do {
            let result = try await body(pool)
            await pool.shutdown()
            return result
        } catch {
            await pool.shutdown()
            throw error
        }
    }
}

struct InvalidEnvironment: Error, CustomStringConvertible {
    let description: String
}

extension Data {
    var text: String { String(decoding: self, as: UTF8.self) }
}

/// Runs `body` and returns how long it took along with its outcome.
func measure<T>(_ body: () async throws -> T) async -> (Duration, Result<T, any Error>) {
    let start = ContinuousClock.now
    let result: Result<T, any Error>
    do { result = .success(try await body()) } catch { result = .failure(error) }
    return (start.duration(to: .now), result)
}
