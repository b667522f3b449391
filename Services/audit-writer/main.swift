import AuditWriter
import ConnectAsService

// The composition point of audit-writer: stores every event of connectas.events append-only and hash-chained,
// keeps the per-session view, and serves the read API and the chain check.
await ServiceMain.run(.auditWriter, migrations: AuditMigrations.all, grants: AuditMigrations.grants) { context in
    ServiceComposition(
        consumes: [context.topics.events], handler: AuditHandler(),
        routes: { router in AuditRoutes.register(on: router, pool: context.pool) },
        // One hash chain: its records are appended one after another whatever their keys.
        concurrency: 1)
}
