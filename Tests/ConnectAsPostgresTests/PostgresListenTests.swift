import ConnectAsPostgres
import Testing

@Suite("LISTEN / NOTIFY", .timeLimit(.minutes(1)))
struct PostgresListenTests {
    @Test("a NOTIFY reaches the listener with its channel and payload intact")
    func notificationIsDelivered() async throws {
        try await PostgresTestDatabase.withPool("listen_deliver") { pool, _ in
            let orders = PostgresTestDatabase.uniqueIdentifier("orders")
            let refunds = PostgresTestDatabase.uniqueIdentifier("refunds")
            let notifications = try await pool.listen(to: [orders, refunds])
            let payload = #"{"id": 7, "note": "O'Reilly; DROP TABLE x; -- ünïcödé ✓"}"#
            try await pool.notify(channel: orders, payload: payload)
            try await pool.notify(channel: refunds, payload: "")

            let received = try await withTimeout(.seconds(10)) {
                var received: [PostgresNotification] = []
                for await notification in notifications {
                    received.append(notification)
                    if received.count == 2 { break }
                }
                return received
            }
            #expect(received.map(\.channel) == [orders, refunds])
            #expect(received.map(\.payload) == [payload, ""])
        }
    }

    @Test("a notification sent inside a transaction arrives only after COMMIT")
    func notificationWaitsForCommit() async throws {
        try await PostgresTestDatabase.withPool("listen_commit") { pool, _ in
            let channel = PostgresTestDatabase.uniqueIdentifier("jobs")
            let notifications = try await pool.listen(to: [channel])
            await #expect(throws: Boom.self) {
                try await pool.transaction { tx in
                    try await tx.notify(channel: channel, payload: "rolled back")
                    throw Boom()
                }
            }
            try await pool.transaction { tx in try await tx.notify(channel: channel, payload: "committed") }
            let first = try await withTimeout(.seconds(10)) { () async -> PostgresNotification? in
                for await notification in notifications { return notification }
                return nil
            }
            #expect(first?.payload == "committed")
        }
    }

    @Test("a listener whose connection is killed reconnects and LISTENs again")
    func listenerReconnects() async throws {
        try await PostgresTestDatabase.withPool("listen_reconnect") { pool, configuration in
            let channel = PostgresTestDatabase.uniqueIdentifier("events")
            let reconnects = Counter()
            let notifications = try await pool.listen(to: [channel]) { reconnects.increment() }
            let killed = try await pool.query(
                """
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE application_name = $1 AND query LIKE 'LISTEN%'
                """, configuration.applicationName)
            #expect(killed.count == 1)

            let consumer = Task {
                for await notification in notifications where notification.payload == "after" { return true }
                return false
            }
            // The listener needs a moment to notice and come back; notifications before that are lost by design.
            let delivered = try await withTimeout(.seconds(10)) {
                while true {
                    try await pool.notify(channel: channel, payload: "after")
                    try await Task.sleep(for: .milliseconds(100))
                    if reconnects.current > 0 { break }
                }
                try await pool.notify(channel: channel, payload: "after")
                return await consumer.value
            }
            #expect(delivered)
            #expect(reconnects.current >= 1)
        }
    }

    @Test("channel names outside the identifier pattern are refused before reaching SQL")
    func channelNamesAreValidated() async throws {
        try await PostgresTestDatabase.withPool("listen_names") { pool, _ in
            for bad in [
                "", "Upper", "with space", "quote\"d", "semi;colon", "1digit", String(repeating: "a", count: 64),
            ] {
                let error = await #expect(throws: PostgresError.self) { _ = try await pool.listen(to: [bad]) }
                #expect(error?.code == .invalidIdentifier)
                let notifyError = await #expect(throws: PostgresError.self) {
                    try await pool.notify(channel: bad, payload: "x")
                }
                #expect(notifyError?.code == .invalidIdentifier)
            }
        }
    }

    @Test("closing the pool ends the notification sequence promptly")
    func closeEndsListeners() async throws {
        try await PostgresTestDatabase.withSchema("listen_close") { configuration in
            let pool = try PostgresPool(configuration: configuration, logger: PostgresTestDatabase.logger)
            let notifications = try await pool.listen(to: ["connectas_test_close"])
            let consumer = Task { for await _ in notifications {} }
            let start = ContinuousClock.now
            await pool.close()
            try await withTimeout(.seconds(5)) { await consumer.value }
            #expect(ContinuousClock.now - start < .seconds(30))  // not a timing test: it must not wait for ever
        }
    }
}
