import ArgumentParser

/// `connectas`: the platform's stand-in and the operator's tool. It speaks to the suite only as the platform does,
/// through Kafka (and the audit-writer's read API), so what it shows is what a real platform would see.
@main
struct ConnectAs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connectas",
        abstract: "Drive and inspect a Connect As installation.",
        subcommands: [
            Topics.self, Org.self, Member.self, Environment.self, Initiate.self, End.self, Revoke.self, ListUsers.self,
            Audit.self, Tail.self, Bench.self, Chaos.self,
        ])
}
