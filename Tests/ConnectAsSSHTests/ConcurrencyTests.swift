import ConnectAsSSH
import Foundation
import Testing

@Suite("Many commands over one connection")
struct ConcurrencyTests {
    let server: SSHTestServer

    init() throws { server = try SSHTestServer() }

    /// Each command prints when it started and ended on the server (ns), its stdin, and `$SSH_CONNECTION`
    /// ("client-address client-port server-address server-port").
    static let reportingCommand = #"date +%s%N; cat; echo; echo "$SSH_CONNECTION"; sleep 0.3; date +%s%N"#

    @Test func twentyConcurrentExecsShareOneConnection() async throws {
        try await server.withPool { pool in
            let outputs = try await withThrowingTaskGroup(of: [String].self) { group in
                for index in 0..<20 {
                    group.addTask {
                        let payload =
                            #"{"request":\#(index),"pad":"\#(String(repeating: "x", count: 50_000 + index))"}"#
                        let result = try await pool.exec(
                            on: server.target, credentials: server.ed25519, command: Self.reportingCommand,
                            stdin: Data(payload.utf8))
                        let lines = result.stdout.text.split(separator: "\n").map(String.init)
                        #expect(result.exitStatus == 0)
                        #expect(lines.count == 4 && lines[1] == payload, "request \(index) got someone else's output")
                        return lines
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outputs.count == 20)
            #expect(Set(outputs.map { $0[2] }).count == 1, "more than one client port: more than one connection")
            #expect(pool.connectionsEstablished == 1)
            let overlap = Self.mostAtOnce(
                outputs.compactMap { lines in Int(lines[0]).flatMap { s in Int(lines[3]).map { (s, $0) } } })
            #expect(overlap > 1, "the commands ran one after another")
            #expect(overlap <= SSHClientConfiguration().maxChannelsPerConnection)
        }
    }

    /// The largest number of intervals open at one instant.
    static func mostAtOnce(_ intervals: [(start: Int, end: Int)]) -> Int {
        let events = intervals.flatMap { [($0.start, 1), ($0.end, -1)] }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
        var open = 0
        var most = 0
        for (_, change) in events {
            open += change
            most = max(most, open)
        }
        return most
    }

    @Test func channelsBeyondTheLimitWaitTheirTurn() async throws {
        try await server.withPool({ $0.maxChannelsPerConnection = 3 }) { pool in
            let (elapsed, outcome) = await measure {
                try await withThrowingTaskGroup(of: SSHExecResult.self) { group in
                    for _ in 0..<6 {
                        group.addTask {
                            try await pool.exec(on: server.target, credentials: server.ed25519, command: "sleep 0.5")
                        }
                    }
                    return try await group.reduce(into: 0) { count, result in count += result.succeeded ? 1 : 0 }
                }
            }
            let succeeded = try outcome.get()
            #expect(succeeded == 6)
            #expect(elapsed >= .seconds(1))
            #expect(pool.connectionsEstablished == 1)
        }
    }
}
