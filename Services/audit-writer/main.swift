import AuditWriter
import ConnectAsService

// The composition point of audit-writer: stores every event of connectas.events append-only and hash-chained,
// keeps the per-session view, signs checkpoints of the chain onto a topic of their own, and serves the read API
// and the chain check.
await ServiceMain.run(.auditWriter, migrations: AuditMigrations.all, grants: AuditMigrations.grants) { context in
    let settings = try AuditWriterConfiguration(reader: context.configuration.reader)
    let checkpoints = AuditCheckpoints(context: context, key: settings.checkpointKey)
    return ServiceComposition(
        consumes: [context.topics.events], handler: AuditHandler(),
        routes: { router in AuditRoutes.register(on: router, pool: context.pool, checkpoints: checkpoints) },
        services: [checkpoints.service(every: settings.checkpointInterval)],
        // One hash chain: its records are appended one after another whatever their keys.
        concurrency: 1)
}
