import ConnectAsService
import PolicyService

// The composition point of policy-service: decides InitiateSession and the other commands from its own copy of
// platform state, which it keeps from the compacted platform topics.
await ServiceMain.run(.policyService, migrations: PolicyMigrations.all) { context in
    ServiceComposition(
        consumes: [
            context.topics.commands, context.topics.orgs, context.topics.members, context.topics.environments,
        ],
        handler: PolicyHandler(context: context), retention: PolicyRetention.rules)
}
