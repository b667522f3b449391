import Logging

extension PostgresPool {
    /// LISTENs to `channels` on a connection of its own (outside the pool's limit) and returns what arrives.
    ///
    /// Returns once LISTEN is in effect, so a NOTIFY sent after this call returns is delivered. If the connection
    /// drops, the listener reconnects with backoff and LISTENs again, then calls `onReconnect`: notifications sent
    /// while it was away are lost (PostgreSQL does not keep them), so a consumer re-reads the state it watches.
    public func listen(
        to channels: [String],
        onReconnect: @escaping @Sendable () -> Void = {}
    ) async throws -> PostgresNotifications {
        guard !channels.isEmpty else {
            throw PostgresError(.invalidArgument, message: "listen needs at least one channel")
        }
        let statements = try channels.map { "LISTEN \(try PostgresIdentifier.quoted($0, what: "channel"))" }
        let script = statements.joined(separator: "; ")
        let id = state.withLock { $0.makeID() }
        var logger = logger
        logger[metadataKey: PostgresLoggingKeys.channels] = "\(channels.joined(separator: ","))"
        logger[metadataKey: PostgresLoggingKeys.connectionID] = "\(id)"

        let connection = try await Self.openListening(configuration, id: id, script: script, logger: logger)
        let (stream, continuation) = AsyncStream.makeStream(of: PostgresNotification.self)
        let listener = PostgresListenerLoop(
            configuration: configuration, id: id, script: script, logger: logger, onReconnect: onReconnect)
        let task = Task {
            await listener.run(from: connection, into: continuation)
            self.state.withLock { $0.removeListener(id: id) }
        }
        continuation.onTermination = { _ in task.cancel() }
        guard state.withLock({ $0.addListener(id: id, task: task) }) else {
            task.cancel()
            throw PostgresError(.poolClosed, message: "the pool is closed")
        }
        return PostgresNotifications(stream: stream)
    }

    static func openListening(
        _ configuration: PostgresConfiguration, id: Int, script: String, logger: Logger
    ) async throws -> LibPQConnection {
        let connection = try await LibPQConnection.connect(configuration: configuration, id: id, logger: logger)
        do {
            try await connection.script(script)
        } catch {
            await connection.close()
            throw error
        }
        return connection
    }
}

/// The loop that owns a listener's connection: waits on it, forwards what arrives, reconnects when it drops.
/// It checks for cancellation at least every `listenerPollInterval`, so stopping takes no longer than that.
struct PostgresListenerLoop: Sendable {
    let configuration: PostgresConfiguration
    let id: Int
    let script: String
    let logger: Logger
    let onReconnect: @Sendable () -> Void

    func run(from first: LibPQConnection, into continuation: AsyncStream<PostgresNotification>.Continuation) async {
        var connection: LibPQConnection? = first
        var delay = configuration.listenerReconnectDelay
        while !Task.isCancelled {
            do {
                if connection == nil {
                    connection = try await PostgresPool.openListening(
                        configuration, id: id, script: script, logger: logger)
                    delay = configuration.listenerReconnectDelay
                    logger.info("listener reconnected; notifications sent meanwhile were missed")
                    onReconnect()
                }
                for notification in try await connection!.waitForNotifications(
                    timeout: configuration.listenerPollInterval)
                {
                    continuation.yield(notification)
                }
            } catch {
                logger.warning("listener connection failed; reconnecting", metadata: ["error": "\(error)"])
                await connection?.close()
                connection = nil
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, configuration.listenerMaxReconnectDelay)
            }
        }
        await connection?.close()
        continuation.finish()
    }
}
