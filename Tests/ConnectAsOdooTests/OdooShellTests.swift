import ConnectAsOdoo
import ConnectAsSSH
import ConnectAsSchema
import Foundation
import TestSupport
import Testing

/// The production script through the real SSH server against the Odoo stand-in: each test on a database of its own.
@Suite struct OdooShellTests {
    func request(
        _ target: TargetSelector, requestId: String = UUID().uuidString, protect: Bool = true
    )
        -> OdooSessionRequest
    {
        OdooSessionRequest(
            requestId: requestId, target: target, protectAdministrators: protect,
            actorEmail: "engineer@platform.example")
    }

    @Test func createdSessionIsAcceptedByOdoosSessionCheck() async throws {
        try await withShell { shell, standIn, pool in
            let (database, ids) = try await standIn.freshDatabase(pool: pool)
            let created = try await shell.createSession(on: standIn.target(database: database), request(.login("sam")))
            #expect(!created.reused)
            #expect(created.user.id == ids["sam"])
            #expect(created.user.login == "sam")
            #expect(created.user.displayName == "Sam Support-Target")
            #expect(!created.user.isAdministrator)
            #expect(created.odooMajor >= 13)
            let check = try await standIn.check(cookie: created.sid.rawValue)
            #expect(check.status == 200)
            #expect(check.login == "sam")
        }
    }

    @Test func createIsIdempotentByRequestId() async throws {
        try await withShell { shell, standIn, pool in
            let (database, ids) = try await standIn.freshDatabase(pool: pool)
            let target = standIn.target(database: database)
            let first = try await shell.createSession(on: target, request(.odooUserId(ids["sam"]!), requestId: "r-1"))
            let again = try await shell.createSession(on: target, request(.odooUserId(ids["sam"]!), requestId: "r-1"))
            #expect(again.sid == first.sid)
            #expect(again.reused)
            let other = try await shell.createSession(on: target, request(.odooUserId(ids["sam"]!), requestId: "r-2"))
            #expect(other.sid != first.sid)
        }
    }

    @Test func deletedSessionIsRefusedAndDeletingAgainSucceeds() async throws {
        try await withShell { shell, standIn, pool in
            let (database, _) = try await standIn.freshDatabase(pool: pool)
            let target = standIn.target(database: database)
            let created = try await shell.createSession(on: target, request(.login("sam"), requestId: "r-del"))
            #expect(try await standIn.check(cookie: created.sid.rawValue).status == 200)

            #expect(try await shell.deleteSession(on: target, sid: created.sid) == true)
            #expect(try await standIn.check(cookie: created.sid.rawValue).status == 303)
            #expect(try await shell.deleteSession(on: target, sid: created.sid) == false)

            // A request that already had a session never gets a new one.
            await #expect {
                try await shell.createSession(on: target, request(.login("sam"), requestId: "r-del"))
            } throws: { ($0 as? OdooShellError)?.code == .sessionGone }
        }
    }

    @Test func severalSessionsAreDeletedInOneRun() async throws {
        try await withShell { shell, standIn, pool in
            let (database, _) = try await standIn.freshDatabase(pool: pool)
            let target = standIn.target(database: database)
            var sids: [OdooSessionID] = []
            for index in 0..<3 {
                sids.append(try await shell.createSession(on: target, request(.login("sam"), requestId: "b-\(index)")).sid)
            }
            let kept = try await shell.createSession(on: target, request(.login("sam"), requestId: "b-kept")).sid
            #expect(try await shell.deleteSession(on: target, sid: sids[0]))
            #expect(try await shell.deleteSessions(on: target, sids: sids) == [false, true, true])
            for sid in sids { #expect(try await standIn.check(cookie: sid.rawValue).status == 303) }
            #expect(try await standIn.check(cookie: kept.rawValue).status == 200)
            #expect(try await shell.deleteSessions(on: target, sids: []) == [])
            let tooMany = Array(repeating: kept, count: OdooShell.maxSessionsPerDelete + 1)
            await #expect {
                try await shell.deleteSessions(on: target, sids: tooMany)
            } throws: { ($0 as? OdooShellError)?.code == .badRequest }
            #expect(try await standIn.check(cookie: kept.rawValue).status == 200)
        }
    }

    @Test func targetRulesAreRefusalsWithStableCodes() async throws {
        try await withShell { shell, standIn, pool in
            let (database, _) = try await standIn.freshDatabase(pool: pool)
            let target = standIn.target(database: database)
            let cases: [(TargetSelector, Bool, OdooShellError.Code)] = [
                (.login("nobody"), true, .userNotFound),
                (.login("old"), true, .userInactive),
                (.login("ada"), true, .administratorProtected),
                (.login("eng"), true, .ownAccount),
                (.login("portal"), true, .userIsShare),
                (.odooUserId(1), true, .userIsSuperuser),
            ]
            for (selector, protect, code) in cases {
                await #expect {
                    try await shell.createSession(on: target, request(selector, protect: protect))
                } throws: { error in
                    let error = error as? OdooShellError
                    return error?.code == code && error?.isRefusal == true && error?.isRetriable == false
                }
            }
            // Administrators are allowed when the org does not protect them.
            let admin = try await shell.createSession(on: target, request(.login("ada"), protect: false))
            #expect(admin.user.isAdministrator)
        }
    }

    @Test func hostileLoginAndSearchAreHarmless() async throws {
        try await withShell { shell, standIn, pool in
            let (database, _) = try await standIn.freshDatabase(pool: pool)
            let target = standIn.target(database: database)
            let marker = "/tmp/connectas-pwned-\(UUID().uuidString)"
            let hostile = [
                "x'; touch \(marker); echo '", "$(touch \(marker))", "`touch \(marker)`", "\"; touch \(marker) #",
                "x\nCONNECTAS_REQUEST = 'e30='\nimport os; os.system('touch \(marker)')",
                "x\"\"\"; __import__('os').system('touch \(marker)'); \"\"\"",
            ]
            for login in hostile {
                await #expect {
                    try await shell.createSession(on: target, request(.login(login)))
                } throws: { ($0 as? OdooShellError)?.code == .userNotFound }
                let listed = try await shell.listUsers(on: target, search: login)
                #expect(listed.users.isEmpty)
            }
            #expect(try await standIn.succeeds(["test", "!", "-e", marker], pool: pool))
        }
    }

    @Test func wrongHostKeyIsRefusedAndNeverRetriable() async throws {
        try await withShell { shell, standIn, _ in
            var target = standIn.target(database: "whatever")
            target.ssh.hostKeyFingerprint =
                "SHA256:"
                + Data(repeating: 0, count: 32).base64EncodedString()
                .replacingOccurrences(of: "=", with: "")
            await #expect {
                try await shell.deleteSession(
                    on: target, sid: OdooSessionID(rawValue: String(repeating: "a", count: 40)))
            } throws: { error in
                let error = error as? OdooShellError
                return error?.code == .hostKeyMismatch && error?.isRetriable == false
            }
        }
    }

    @Test func invalidIdentifierNeverConnects() async throws {
        try await withShell { shell, standIn, pool in
            await #expect {
                try await shell.listUsers(on: standIn.target(database: "x; id"), search: nil)
            } throws: { ($0 as? OdooShellError)?.code == .invalidIdentifier }
            #expect(pool.connectionsEstablished == 0)
        }
    }

    @Test func listUsersGivesActiveInternalUsers() async throws {
        try await withShell { shell, standIn, pool in
            let (database, ids) = try await standIn.freshDatabase(pool: pool)
            let target = standIn.target(database: database)
            let all = try await shell.listUsers(on: target, search: nil)
            #expect(Set(all.users.map(\.login)) == ["sam", "ada", "eng"])
            #expect(all.users.first { $0.login == "ada" }?.isAdministrator == true)
            #expect(all.users.first { $0.login == "sam" }?.id == ids["sam"])
            #expect(!all.truncated)
            let found = try await shell.listUsers(on: target, search: "support-t")
            #expect(found.users.map(\.login) == ["sam"])
        }
    }

    @Test func bellNotificationIsDeliveredOnce() async throws {
        try await withShell { shell, standIn, pool in
            let (database, ids) = try await standIn.freshDatabase(pool: pool)
            let target = standIn.target(database: database)
            let note = OdooBellNotification(
                userId: ids["sam"]!, subject: "Support signed in as you", body: "<b>not HTML</b>\nsecond line",
                notificationId: "event-1:bell")
            let first = try await shell.notifyBell(on: target, note)
            let again = try await shell.notifyBell(on: target, note)
            #expect(!first.reused)
            #expect(again.reused)
            #expect(again.messageId == first.messageId)
        }
    }

    @Test func aMissingDatabaseFailsTheShell() async throws {
        try await withShell { shell, standIn, _ in
            await #expect {
                try await shell.listUsers(
                    on: standIn.target(database: "no_such_db_\(UInt32.random(in: 0...9999))"),
                    search: nil)
            } throws: { ($0 as? OdooShellError)?.code == .shellFailed }
        }
    }

    @Test func operationsAreBoundedByTheTimeout() async throws {
        try await withShell { shell, standIn, pool in
            let (database, _) = try await standIn.freshDatabase(pool: pool)
            let target = standIn.target(database: database)
            _ = try await shell.listUsers(on: target, search: nil)  // the connection is up: only the shell is slow
            let impatient = OdooShell(
                pool: pool, credentials: standIn.credentials, timeout: .milliseconds(50), logger: OdooStandIn.logger)
            await #expect {
                try await impatient.listUsers(on: target, search: nil)
            } throws: { error in
                let error = error as? OdooShellError
                return error?.code == .timeout && error?.isRetriable == true
            }
        }
    }
}
