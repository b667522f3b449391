import ConnectAsSchema
import Foundation
import Testing
import TestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Two processes of every service on one database and one set of consumer groups, as a production deployment runs
/// them: each request still gets one decision, one session, one link, one notification and one chain of records,
/// whichever replica handles which part.
@Suite(.serialized) struct ReplicaTests {
    @Test func twoReplicasOfEveryServiceMakeOneOfEverything() async throws {
        let harness = try await SuiteHarness.start(replicas: 2)
        do {
            let requests = try await SessionLifeTests.initiateSixAcrossTwoEnvironments(
                harness, label: "Replica check", firstAddress: 40)
            let links = try await SessionLifeTests.links(harness, for: requests)

            // Every other link is redeemed through the second injector: the link is not tied to its issuer.
            let second = try #require(harness.ports["session-injector#2"])
            for (index, link) in links.enumerated() {
                var url = try #require(URLComponents(url: link.url, resolvingAgainstBaseURL: false))
                if index % 2 == 1 { url.port = second }
                #expect(try CurlResponse.get(url.string!).status == 303)
            }
            // Half of them are ended; the other half stay redeemed.
            for link in links.prefix(3) {
                let requestID = UUID().uuidString.lowercased()
                try await harness.platform.publish(
                    EndSession(
                        requestId: requestID, orgId: "acme", environmentId: link.environmentId,
                        sessionId: link.sessionId, actor: SessionLifeTests.actor, reason: "done"))
                let ended = try await harness.replies.reply(for: requestID, timeout: .seconds(60)).reply
                guard case .endAcknowledged = ended.message else {
                    Issue.record("expected EndAcknowledged, got \(ended.message)")
                    continue
                }
            }

            for (index, link) in links.enumerated() {
                let status = index < 3 ? "ended" : "redeemed"
                let trail = try await SessionLifeTests.auditTrail(
                    harness, session: link.sessionId, until: status, withEvent: "NotificationSent")
                let types = (trail["events"] as? [[String: Any]] ?? []).map { $0["type"] as? String ?? "" }
                for type in ["InitiateApproved", "SessionLinkIssued", "SessionRedeemed"] {
                    #expect(types.filter { $0.contains(".\(type).") }.count == 1, "\(type) in \(types)")
                }
                // The sign-in notice, and for an ended session the sign-out one (which may still be on its way).
                let notices = types.filter { $0.contains(".NotificationSent.") }.count
                #expect((1...(index < 3 ? 2 : 1)).contains(notices), "\(notices) NotificationSent in \(types)")
                if index < 3 { #expect(types.filter { $0.contains(".SessionEnded.") }.count == 1, "\(types)") }
                let record = try await CrashRecoveryTests.request(harness, link.requestId, untilEventTypes: 2)
                #expect(record.sessions.count == 1, "\(record.sessions)")
            }
            let verify = try await CrashRecoveryTests.json("\(harness.auditBase)/v1/verify")
            #expect(verify["intact"] as? Bool == true, "\(verify)")
            // Both replicas of the services that consume partitioned work took part.
            for instance in ["session-injector", "session-injector#2"] {
                #expect(harness.log(of: instance).contains("link redeemed"), "\(instance) redeemed nothing")
            }
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }
}
