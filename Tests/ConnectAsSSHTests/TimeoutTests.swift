import ConnectAsSSH
import Foundation
import Testing

@Suite("Command timeouts and cancellation")
struct TimeoutTests {
    let server: SSHTestServer

    init() throws { server = try SSHTestServer() }

    /// Starts `sleep 600` remembering its process id in a file named on stdin, so the test can end it by id.
    static let sleepForever = #"read f; echo $$ > "$f"; exec sleep 600"#
    static let killRemembered = #"read f; kill "$(cat "$f")"; rm -f "$f""#

    @Test func commandThatNeverEndsTimesOutAndTheConnectionStaysUsable() async throws {
        let pidFile = Data("/tmp/connectas-ssh-test-\(UUID().uuidString).pid\n".utf8)
        try await server.withPool { pool in
            _ = try await pool.exec(on: server.target, credentials: server.ed25519, command: "true")
            async let neighbour = pool.exec(
                on: server.target, credentials: server.ed25519, command: "sleep 1.5; echo neighbour")
            let (elapsed, outcome) = await measure {
                try await pool.exec(
                    on: server.target, credentials: server.ed25519, command: Self.sleepForever, stdin: pidFile,
                    timeout: .seconds(1))
            }
            #expect(throws: SSHError.self) { try outcome.get() }
            #expect((try? outcome.get()) == nil)
            if case .failure(let error as SSHError) = outcome { #expect(error.code == .commandTimeout) }
            #expect(elapsed >= .seconds(1) && elapsed < .seconds(30))  // gives up; a loaded machine cannot be timed

            // The command running alongside finishes normally, and the connection takes new work.
            #expect(try await neighbour.stdout.text == "neighbour\n")
            let after = try await pool.exec(on: server.target, credentials: server.ed25519, command: "echo still-here")
            #expect(after.stdout.text == "still-here\n")
            #expect(pool.connectionsEstablished == 1)

            let killed = try await pool.exec(
                on: server.target, credentials: server.ed25519, command: Self.killRemembered, stdin: pidFile)
            #expect(killed.exitStatus == 0)
        }
    }

    @Test func cancellationEndsTheCallPromptly() async throws {
        let pidFile = Data("/tmp/connectas-ssh-test-\(UUID().uuidString).pid\n".utf8)
        try await server.withPool { pool in
            _ = try await pool.exec(on: server.target, credentials: server.ed25519, command: "true")
            let task = Task {
                try await pool.exec(
                    on: server.target, credentials: server.ed25519, command: Self.sleepForever, stdin: pidFile)
            }
            try await Task.sleep(for: .milliseconds(300))
            let (elapsed, outcome) = await measure {
                task.cancel()
                return try await task.value
            }
            if case .failure(let error) = outcome {
                #expect(error is CancellationError)
            } else {
                Issue.record("not cancelled")
            }
            #expect(elapsed < .seconds(30))  // before the 60 s command timeout, however loaded the machine
            let killed = try await pool.exec(
                on: server.target, credentials: server.ed25519, command: Self.killRemembered, stdin: pidFile)
            #expect(killed.exitStatus == 0)
            #expect(pool.connectionsEstablished == 1)
        }
    }
}

extension TimeoutTests {
    /// Commands that outlive their timeout keep their session on the server (libssh2 1.10 cannot signal them), and
    /// OpenSSH allows 10 per connection: once it refuses a channel, the pool moves to a fresh connection and the
    /// command runs there. (Ten channels at once here, to fill the server's sessions in one go.)
    @Test func exhaustedServerSessionsMoveWorkToAFreshConnection() async throws {
        let pidFiles = (0..<10).map { _ in Data("/tmp/connectas-ssh-test-\(UUID().uuidString).pid\n".utf8) }
        try await server.withPool({ $0.maxChannelsPerConnection = 10 }) { pool in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for pidFile in pidFiles {
                    group.addTask {
                        await #expect(throws: SSHError.self) {
                            try await pool.exec(
                                on: server.target, credentials: server.ed25519, command: Self.sleepForever,
                                stdin: pidFile, timeout: .seconds(1))
                        }
                    }
                }
                try await group.waitForAll()
            }
            let result = try await pool.exec(on: server.target, credentials: server.ed25519, command: "echo fresh")
            #expect(result.stdout.text == "fresh\n")
            #expect(pool.connectionsEstablished == 2)
            for pidFile in pidFiles {
                _ = try await pool.exec(
                    on: server.target, credentials: server.ed25519, command: Self.killRemembered, stdin: pidFile)
            }
        }
    }
}
