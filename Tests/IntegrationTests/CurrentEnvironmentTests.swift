import ConnectAsPostgres
import ConnectAsSchema
import Foundation
import Logging
import Testing
import TestSupport

/// End and revoke reach the server through the environment as the platform publishes it now, not as it was when
/// the session was issued: after a server's host key or address changes, the Odoo session is still deleted.
@Suite(.serialized) struct CurrentEnvironmentTests {
    @Test func aRevokeAfterTheServersKeyChangedUsesTheCurrentPin() async throws {
        let harness = try await SuiteHarness.start()
        do {
            try await SessionLifeTests.seed(harness)
            let link = try await SessionLifeTests.initiate(harness)
            let redeemed = try CurlResponse.get(link.url.absoluteString)
            let cookie = try #require(redeemed.cookie("session_id"))
            // What the injector kept from the issue now names a pin the server no longer has; the platform's
            // current record (the seed's) names the right one.
            let pool = try PostgresPool(
                configuration: PostgresConfiguration(
                    url: SuiteHarness.url(harness.adminURL, database: harness.database), maxConnections: 1),
                logger: Logger(label: "current-environment"))
            try await pool.query(
                """
                UPDATE session_injector.sessions
                SET environment = jsonb_set(environment, '{server,hostKeyFingerprint}', '"SHA256:c3RhbGUtcGlu"')
                WHERE session_id = $1
                """, link.sessionId)

            let requestID = UUID().uuidString.lowercased()
            try await harness.platform.publish(
                RevokeSession(
                    requestId: requestID, orgId: "acme", environmentId: "acme-prod", sessionId: link.sessionId,
                    actor: SessionLifeTests.actor, reason: "the server moved"))
            let reply = try await harness.replies.reply(for: requestID, timeout: .seconds(60)).reply
            guard case .revokeAcknowledged = reply.message else {
                Issue.record("expected RevokeAcknowledged, got \(reply.message)")
                throw HarnessError("not revoked")
            }
            let after = try CurlResponse.get("\(harness.odooURL)/web", cookie: "session_id=\(cookie)")
            #expect(after.status == 303, "the Odoo session must be gone")
            let kept = try await pool.query(
                "SELECT environment->'server'->>'hostKeyFingerprint' AS pin FROM session_injector.sessions WHERE session_id = $1",
                link.sessionId
            ).first?.decode("pin", as: String.self)
            #expect(kept == (try StackEnvironment.require("CONNECTAS_SSH_HOST_FINGERPRINT")))
            await pool.close()
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    /// The timer's expiry follows the platform's corrected record: the injector reads platform.environments for the
    /// connection alone and moves the open sessions of an environment onto its latest record.
    @Test func anExpiryAfterTheServersKeyChangedUsesTheCorrectedRecord() async throws {
        let harness = try await SuiteHarness.start()
        do {
            try await SessionLifeTests.seed(harness, maxSessionSeconds: 20)
            let link = try await SessionLifeTests.initiate(harness)
            let cookie = try #require(try CurlResponse.get(link.url.absoluteString).cookie("session_id"))
            let pool = try PostgresPool(
                configuration: PostgresConfiguration(
                    url: SuiteHarness.url(harness.adminURL, database: harness.database), maxConnections: 1),
                logger: Logger(label: "current-environment"))
            func pin() async throws -> String? {
                try await pool.query(
                    "SELECT environment->'server'->>'hostKeyFingerprint' AS pin FROM session_injector.sessions WHERE session_id = $1",
                    link.sessionId
                ).first?.decode("pin", as: String.self)
            }
            try await pool.query(
                """
                UPDATE session_injector.sessions
                SET environment = jsonb_set(environment, '{server,hostKeyFingerprint}', '"SHA256:c3RhbGUtcGlu"')
                WHERE session_id = $1
                """, link.sessionId)
            // The platform publishes the environment again (its current, right pin).
            try await SessionLifeTests.seed(harness, maxSessionSeconds: 20)
            let right = try StackEnvironment.require("CONNECTAS_SSH_HOST_FINGERPRINT")
            let moved = ContinuousClock.now + .seconds(30)
            while try await pin() != right, ContinuousClock.now < moved { try await Task.sleep(for: .milliseconds(200)) }
            #expect(try await pin() == right, "the injector did not take the corrected record")

            let expiry = ContinuousClock.now + .seconds(60)
            var status = 200
            while status == 200, ContinuousClock.now < expiry {
                try await Task.sleep(for: .seconds(1))
                status = try CurlResponse.get("\(harness.odooURL)/web", cookie: "session_id=\(cookie)").status
            }
            #expect(status == 303, "the Odoo session must be gone after its maximum duration")
            let trail = try await SessionLifeTests.auditTrail(harness, session: link.sessionId, until: "ended")
            #expect((trail["session"] as? [String: Any])?["endReason"] as? String == "max_duration")
            await pool.close()
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }
}
