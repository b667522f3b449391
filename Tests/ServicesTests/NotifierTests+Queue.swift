import ConnectAsPostgres
import ConnectAsSchema
import Foundation
import TestSupport
import Testing

@testable import Notifier

/// The queue's order, against notifier's real schema: a session's notices of one channel are claimed one after
/// another, so a closing notice never overtakes a sign-in notice that is still being sent or retried.
extension NotifierTests {
    @Test func aSessionsNoticesOfOneChannelAreClaimedInOrder() async throws {
        try await withNotifier { service, database, _ in
            // Migrated, then stopped: its sender must not take the rows this test claims.
            #expect(await service.stop() == 0)
            let pool = try database.servicePool(schema: "notifier")
            func enqueue(_ session: String, _ kind: NoticeKind, _ channel: NotificationChannel) async throws {
                let recipient = ResolvedTarget(odooUserId: 7, login: "sam", displayName: "Sam", email: "sam@x.test")
                _ = try await pool.transaction { connection in
                    try await NotificationQueue.enqueue(
                        .init(
                            sessionID: session, eventKind: kind.identityKind, channel: channel, requestID: "req",
                            orgID: "org", environmentID: "env", language: .english, recipient: recipient,
                            recipientEmail: recipient.email, notifiedEventID: "\(session)-\(kind)",
                            notifiedEventType: "t", sourceTopic: "events", sourcePartition: 0, sourceOffset: 0,
                            sourceKey: nil, sourcePayload: Data(), messageID: "<\(session)-\(kind)@x.test>",
                            subject: kind.rawValue, bodyText: "", bodyHTML: nil, bellText: nil, environment: nil),
                        on: connection)
                }
            }
            try await enqueue("ses-a", .redeemed, .email)
            try await enqueue("ses-a", .revoked, .email)
            try await enqueue("ses-a", .revoked, .bell)
            try await enqueue("ses-b", .redeemed, .email)

            // The sign-in notice of ses-a is out (or being retried): its revoke notice on e-mail waits, on the
            // bell it does not, and another session is not held up.
            let first = try await NotificationQueue.claim(limit: 10, lease: .seconds(60), pool: pool)
            #expect(Set(first.map { "\($0.sessionID) \($0.subject) \($0.channel)" })
                == ["ses-a redeemed email", "ses-a revoked bell", "ses-b redeemed email"])
            #expect(try await NotificationQueue.claim(limit: 10, lease: .seconds(60), pool: pool).isEmpty)
            // A retry later keeps it pending, and the revoke notice still waits.
            let signIn = try #require(first.first { $0.sessionID == "ses-a" && $0.channel == .email })
            try await NotificationQueue.reschedule(signIn.id, after: .zero, error: "4xx", pool: pool)
            let retried = try await NotificationQueue.claim(limit: 10, lease: .seconds(60), pool: pool)
            #expect(retried.map(\.subject) == ["redeemed"])
            _ = try await pool.transaction { try await NotificationQueue.markSent(signIn.id, on: $0) }
            let next = try await NotificationQueue.claim(limit: 10, lease: .seconds(60), pool: pool)
            #expect(next.map { "\($0.sessionID) \($0.subject) \($0.channel)" } == ["ses-a revoked email"])
            await pool.close()
        }
    }
}
