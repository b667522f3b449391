import ConnectAsSSH
import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("Connecting, keep-alive, reconnecting")
struct ConnectionLifecycleTests {
    let server: SSHTestServer

    init() throws { server = try SSHTestServer() }

    @Test func nothingListeningFailsQuickly() async throws {
        let port = try LoopbackListener().port  // closed again at once: nothing listens there now
        var target = server.target
        target.port = port
        try await server.withPool { pool in
            let (elapsed, outcome) = await measure {
                try await pool.exec(on: target, credentials: server.ed25519, command: "true")
            }
            guard case .failure(let error as SSHError) = outcome else {
                Issue.record("expected an SSHError, got \(outcome)")
                return
            }
            #expect(error.code == .connectFailed)
            #expect(error.message.contains("refused"))
            #expect(error.isRetriable)
            // Refused rather than timed out: the error code says so; the clock of a loaded machine cannot.
            #expect(elapsed < .seconds(60))
        }
    }

    /// A listener that never accepts: the kernel completes the TCP handshake, but no SSH banner ever comes.
    @Test func silentServerHitsTheConnectTimeout() async throws {
        let listener = try LoopbackListener(keepOpen: true)
        var target = server.target
        target.port = listener.port
        try await server.withPool({ $0.connectTimeout = .milliseconds(500) }) { pool in
            let (elapsed, outcome) = await measure {
                try await pool.exec(on: target, credentials: server.ed25519, command: "true")
            }
            guard case .failure(let error as SSHError) = outcome else {
                Issue.record("expected an SSHError, got \(outcome)")
                return
            }
            #expect(error.code == .connectTimeout)
            // Not a timing test (the machines are noisy): it must give up after the timeout, not hang.
            #expect(elapsed >= .milliseconds(500) && elapsed < .seconds(30))
        }
        withExtendedLifetime(listener) {}
    }

    @Test func keepAliveKeepsAnIdleConnectionUsable() async throws {
        try await server.withPool({ $0.keepAliveInterval = .seconds(2) }) { pool in
            _ = try await pool.exec(on: server.target, credentials: server.ed25519, command: "true")
            try await Task.sleep(for: .milliseconds(4500))  // two keep-alives go out meanwhile
            let result = try await pool.exec(on: server.target, credentials: server.ed25519, command: "echo ok")
            #expect(result.stdout.text == "ok\n")
            #expect(pool.connectionsEstablished == 1)
        }
    }

    @Test func idleConnectionClosesAndReopensOnDemand() async throws {
        try await server.withPool({ $0.idleTimeout = .milliseconds(300) }) { pool in
            _ = try await pool.exec(on: server.target, credentials: server.ed25519, command: "true")
            #expect(pool.connectionsEstablished == 1)
            let deadline = ContinuousClock.now + .seconds(3)
            while pool.openConnections > 0 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(pool.openConnections == 0)
            let result = try await pool.exec(on: server.target, credentials: server.ed25519, command: "echo again")
            #expect(result.stdout.text == "again\n")
            #expect(pool.connectionsEstablished == 2)
        }
    }

    /// Killing the server's process for our connection drops it: the command running then fails with
    /// connectionLost, and the next command gets a new connection.
    @Test func lostConnectionFailsInFlightCommandsAndReconnects() async throws {
        try await server.withPool { pool in
            _ = try await pool.exec(on: server.target, credentials: server.ed25519, command: "true")
            let error = await #expect(throws: SSHError.self) {
                try await pool.exec(on: server.target, credentials: server.ed25519, command: "kill -9 $PPID; sleep 5")
            }
            #expect(error?.code == .connectionLost)
            #expect(error?.isRetriable == true)
            let result = try await pool.exec(on: server.target, credentials: server.ed25519, command: "echo back")
            #expect(result.stdout.text == "back\n")
            #expect(pool.connectionsEstablished == 2)
        }
    }

    @Test func execAfterShutdownIsRefused() async throws {
        let pool = SSHConnectionPool(logger: SSHTestServer.logger)
        _ = try await pool.exec(on: server.target, credentials: server.ed25519, command: "true")
        await pool.shutdown()
        #expect(pool.openConnections == 0)
        let error = await #expect(throws: SSHError.self) {
            try await pool.exec(on: server.target, credentials: server.ed25519, command: "true")
        }
        #expect(error?.code == .shutDown)
    }
}
