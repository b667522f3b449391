import ConnectAsSchema
import Foundation
import Testing
import TestSupport

/// One environment whose server never answers holds back only its own records: another environment's initiation,
/// on the same session-injector, gets its link while the first is still waiting on its server.
@Suite(.serialized) struct HeadOfLineTests {
    @Test func aSilentServerDoesNotDelayAnotherEnvironment() async throws {
        let silent = try SilentServer()
        defer { silent.stop() }
        let harness = try await SuiteHarness.start()
        do {
            try await SessionLifeTests.seed(harness)
            try await SessionLifeTests.seed(harness, environment: "acme-silent", sshPort: silent.port)
            let stuck = UUID().uuidString.lowercased()
            try await harness.platform.publish(
                InitiateSession(
                    requestId: stuck, orgId: "acme", environmentId: "acme-silent", actor: SessionLifeTests.actor,
                    target: .login("demo.user"), reason: "Customer reported invoice view error",
                    clientIp: "203.0.113.8", userAgent: "integration"))
            // Sent after the stuck one, answered before it: the silent server costs three connect timeouts.
            let link = try await SessionLifeTests.initiate(harness)
            #expect(link.environmentId == "acme-prod")
            await #expect(throws: (any Error).self, "the silent environment must still be waiting") {
                _ = try await harness.replies.reply(for: stuck, timeout: .milliseconds(10))
            }
            let failed = try await harness.replies.reply(for: stuck, timeout: .seconds(120)).reply
            guard case .requestFailedReply(let reply) = failed.message else {
                Issue.record("expected RequestFailed for the silent environment, got \(failed.message)")
                throw HarnessError("no failure")
            }
            #expect(reply.environmentId == "acme-silent")
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }
}

/// A TCP port whose connections the kernel completes but nobody ever reads or answers, as a server whose sshd
/// hangs: the SSH client waits for a banner until its connect timeout.
final class SilentServer: @unchecked Sendable {
    let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && listen(descriptor, 64) == 0
                    && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw HarnessError("the silent server could not listen")
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func stop() { close(descriptor) }
}
