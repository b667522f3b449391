import ConnectAsSchema
import Foundation
import Testing
import TestSupport

/// One environment whose server never answers holds back only its own records: another environment's initiation,
/// on the same session-injector, gets its link while the first is still waiting on its server.
@Suite(.serialized) struct HeadOfLineTests {
    @Test func aSilentServerDoesNotDelayAnotherEnvironment() async throws {
        // Connections complete in the kernel, but nobody ever reads or answers: an sshd that hangs.
        let silent = try LoopbackListener(keepOpen: true)
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
        withExtendedLifetime(silent) {}
    }
}
