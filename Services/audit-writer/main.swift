import ConnectAsService

// The composition point of audit-writer: stores every event append-only and serves audit queries.
await ServiceMain.run(.auditWriter) { configuration, logger in
    [StandbyService(logger: logger)]
}
