import AuditWriter
import ConnectAsService

// The composition point of audit-writer: stores every event of connectas.events append-only and hash-chained,
// keeps the per-session view, signs checkpoints of the chain onto a topic of their own, and serves the read API
// and the chain check.
await ServiceMain.run(.auditWriter, migrations: AuditMigrations.all, grants: AuditMigrations.grants) { context in
    let settings = try AuditWriterConfiguration(reader: context.configuration.reader)
    let access = try AuditAccess(reader: context.configuration.reader)
    let checkpoints = AuditCheckpoints(context: context, key: settings.checkpointKey)
    let topics = context.topics
    return ServiceComposition(
        // The platform's state topics too: who may read which part of the audit is decided on audit-writer's own copy.
        consumes: [topics.events, topics.orgs, topics.members, topics.environments],
        handler: AuditHandler(topics: topics),
        routes: { router in
            AuditRoutes.register(on: router, context: context, access: access, checkpoints: checkpoints)
        },
        services: [checkpoints.service(every: settings.checkpointInterval)],
        // One hash chain: its records are appended one after another whatever their keys.
        concurrency: 1)
}
