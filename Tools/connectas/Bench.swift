import ArgumentParser
import ConnectAsPlatform
import ConnectAsKafka
import ConnectAsSSH
import ConnectAsSchema
import Foundation
import Logging

/// Measures the latency from publishing `InitiateSession` to receiving its link on `connectas.replies`, next to the
/// floor measured in the same run: a bare Kafka produce→consume round trip times the Kafka hops on the path
/// (commands → policy-service, events → session-injector, replies → platform), plus one bare SSH exec round trip.
/// Ratios, not seconds, are what compare across machines.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Benchmark initiation latency against its floor.")

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Initiations to send.") var count = 200
    @Option(help: "Initiations sent first and reported apart (connections, caches and metadata warming up).")
    var warmup = 10
    @Option(help: "Bare round trips measured for each floor component.") var floorSamples = 50
    @Option(help: "Odoo login to target.") var login = "demo.user"

    static let kafkaHops = 3

    func run() async throws {
        let stack = try BenchStack()
        print("measuring the floor (\(floorSamples) bare round trips each)…")
        let kafka = try await kafkaRoundTrips()
        let ssh = try await sshRoundTrips(stack)
        let floor = Double(Self.kafkaHops) * kafka.percentile(50) + ssh.percentile(50)

        // Rate limits allow 3 initiations per environment per minute and 5 per client IP per hour: spread the
        // requests over enough environments and addresses that none is hit.
        let total = warmup + count
        let environments = (total + 2) / 3
        // Each run has environments and addresses of its own: the rate limits remember earlier runs.
        let run = String(UUID().uuidString.prefix(8).lowercased())
        let network = Int.random(in: 0...255)
        try await seed(stack, environments: environments, run: run)
        let collector = try await ReplyCollector.start(connection)
        // Where the time goes: the decision is seen on the events topic, between the command and the link.
        let decisions = try await ReplyCollector.start(connection, topic: DefaultTopic.events) {
            $0.type == InitiateApproved.eventType
        }
        try await collector.waitUntilAssigned()
        try await decisions.waitUntilAssigned()
        print("sending \(warmup) warm-up initiations, then \(count), one at a time…")
        var warmupLatencies: [Double] = []
        var latencies: [Double] = []
        var toDecision: [Double] = [], decisionToLink: [Double] = []
        var failures = 0
        let started = ContinuousClock.now
        try await PlatformPublisher.with(connection) { publisher in
            for index in 0..<total {
                let requestID = UUID().uuidString.lowercased()
                let command = InitiateSession(
                    requestId: requestID, orgId: "bench-org", environmentId: "bench-\(run)-\(index % environments)",
                    actor: PlatformActor(platformUserId: "bench-owner", email: "owner@bench.example"),
                    target: .login(login), reason: "benchmark run of the initiation path",
                    clientIp: "10.\(network).\(index / 250).\(index % 250)", userAgent: "connectas-bench")
                let sent = ContinuousClock.now
                try await publisher.publish(command)
                let arrival = try await collector.reply(for: requestID, timeout: .seconds(60))
                if index < warmup {
                    warmupLatencies.append((arrival.at - sent).milliseconds)
                } else if case .sessionLinkReply = arrival.reply.message {
                    latencies.append((arrival.at - sent).milliseconds)
                    if let decided = try? await decisions.reply(for: requestID, timeout: .seconds(5)) {
                        toDecision.append((decided.at - sent).milliseconds)
                        decisionToLink.append((arrival.at - decided.at).milliseconds)
                    }
                } else {
                    failures += 1
                }
            }
        }
        let elapsed = (ContinuousClock.now - started).milliseconds / 1000
        await collector.stop()
        await decisions.stop()

        guard !latencies.isEmpty else { throw CLIError("no initiation got a link (\(failures) did not)") }
        let p50 = latencies.percentile(50), p99 = latencies.percentile(99)
        print(
            """

            warm-up: \(warmupLatencies.count) initiations, first \(format(warmupLatencies.first ?? 0)) ms, \
            max \(format(warmupLatencies.max() ?? 0)) ms (not counted below)
            initiations: \(latencies.count) with a link, \(failures) without, \
            in \(String(format: "%.1f", elapsed)) s with the warm-up
            floor components: Kafka round trip p50 \(format(kafka.percentile(50))) ms (×\(Self.kafkaHops) hops), \
            SSH exec round trip p50 \(format(ssh.percentile(50))) ms
            floor: \(format(floor)) ms
            InitiateSession → link: p50 \(format(p50)) ms, p90 \(format(latencies.percentile(90))) ms, \
            p99 \(format(p99)) ms, over 2 × p50: \(latencies.count { $0 > 2 * p50 })
            ratio to floor: p50 \(String(format: "%.2f", p50 / floor))×, p99 \(String(format: "%.2f", p99 / floor))×
              command → InitiateApproved seen (policy-service, 2 Kafka hops): \(stage(toDecision))
              InitiateApproved seen → link (session-injector, Odoo shell over SSH): \(stage(decisionToLink))
            """)
    }

    func format(_ milliseconds: Double) -> String { String(format: "%.1f", milliseconds) }

    func stage(_ samples: [Double]) -> String {
        guard !samples.isEmpty else { return "not seen" }
        return "p50 \(format(samples.percentile(50))) ms, p99 \(format(samples.percentile(99))) ms, "
            + "max \(format(samples.max() ?? 0)) ms"
    }

    /// Produce→consume round trips through the broker on a topic of the benchmark's own, one at a time.
    func kafkaRoundTrips() async throws -> [Double] {
        let topic = connection.topic("connectas.bench.\(UUID().uuidString.prefix(8))")
        let admin = try await KafkaAdmin.connect(
            configuration: KafkaAdminConfiguration(bootstrapServers: connection.bootstrapServers),
            logger: connection.logger)
        // Left in place afterwards: deleting a topic others have in their metadata cache has crashed librdkafka
        // 2.8 against Tansu (rd_kafka_metadata_cache_find).
        // Shaped like the suite's topics (6 partitions, a key per message), so the floor sees the same fetching.
        try await admin.createTopic(topic, partitions: 6)
        let consumer = try await KafkaConsumer.connect(
            configuration: KafkaConsumerConfiguration(
                bootstrapServers: connection.bootstrapServers, groupID: "bench-\(UUID().uuidString.prefix(8))",
                topics: [topic], sessionTimeout: .seconds(6), autoOffsetReset: .earliest,
                shutdownGracePeriod: .milliseconds(100), properties: connection.consumerProperties),
            logger: connection.logger)
        let producer = try await connection.producer()
        var iterator = consumer.messages.makeAsyncIterator()
        // The first message also waits for the group join: not part of the floor.
        try await producer.send(topic: topic, key: "warm-up", value: "warm-up")
        _ = try await iterator.next()
        var samples: [Double] = []
        for index in 0..<floorSamples {
            let sent = ContinuousClock.now
            try await producer.send(topic: topic, key: "environment-\(index)", value: "\(index)")
            _ = try await iterator.next()
            samples.append((ContinuousClock.now - sent).milliseconds)
        }
        await producer.shutdown()
        await consumer.shutdown()
        return samples
    }

    /// `true` run over an established SSH connection to the customer-server stand-in.
    func sshRoundTrips(_ stack: BenchStack) async throws -> [Double] {
        let pool = SSHConnectionPool(logger: connection.logger)
        let client = pool.client(for: stack.target, credentials: .privateKeyFile(stack.keyFile))
        _ = try await client.exec(command: "true")
        var samples: [Double] = []
        for _ in 0..<floorSamples {
            let started = ContinuousClock.now
            _ = try await client.exec(command: "true")
            samples.append((ContinuousClock.now - started).milliseconds)
        }
        await pool.shutdown()
        return samples
    }

    func seed(_ stack: BenchStack, environments: Int, run: String) async throws {
        try await PlatformPublisher.with(connection) { publisher in
            try await publisher.publish(
                OrgState(
                    orgId: "bench-org", plan: .professional,
                    notifications: NotificationSettings(channels: [], language: .english),
                    policy: PolicySettings(protectAdministrators: false)))
            try await publisher.publish(
                MemberState(orgId: "bench-org", platformUserId: "bench-owner", email: "owner@bench.example", role: .owner))
            for index in 0..<environments {
                try await publisher.publish(
                    EnvironmentState(
                        environmentId: "bench-\(run)-\(index)", orgId: "bench-org", status: .running,
                        domain: stack.domain, server: stack.target.endpoint, odooVersion: "17.0",
                        database: stack.database, runtime: .host(command: stack.command, runAsUser: nil),
                        preflight: Preflight(ok: true)))
            }
        }
        // Give policy-service a moment to apply the state before the first command arrives.
        try await Task.sleep(for: .seconds(2))
    }
}

/// The customer-server stand-in of the local stack, from the variables `scripts/stack start` writes.
struct BenchStack {
    let target: SSHTarget
    let keyFile: String
    let command: [String]
    let database: String
    let domain: String

    init() throws {
        let environment = ProcessInfo.processInfo.environment
        func require(_ name: String) throws -> String {
            guard let value = environment[name], !value.isEmpty else {
                throw CLIError("\(name) is not set: source .stack/env (scripts/stack start writes it)")
            }
            return value
        }
        target = SSHTarget(
            host: try require("CONNECTAS_SSH_HOST"), port: Int(try require("CONNECTAS_SSH_PORT")) ?? 22,
            user: try require("CONNECTAS_SSH_USER"), hostKeyFingerprint: try require("CONNECTAS_SSH_HOST_FINGERPRINT"))
        keyFile = try require("CONNECTAS_SSH_KEY_ED25519")
        command = try require("CONNECTAS_ODOO_COMMAND").split(separator: " ").map(String.init)
        database = try require("CONNECTAS_ODOO_DB")
        domain = environment["CONNECTAS_ODOO_DOMAIN"] ?? "127.0.0.1"
    }
}

extension SSHTarget {
    var endpoint: ServerEndpoint {
        ServerEndpoint(host: host, port: port, user: user, hostKeyFingerprint: hostKeyFingerprint)
    }
}

extension Duration {
    var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}

extension Array where Element == Double {
    /// Nearest-rank percentile.
    func percentile(_ p: Double) -> Double {
        let sorted = self.sorted()
        let rank = Swift.max(0, Swift.min(sorted.count - 1, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1))
        return sorted[rank]
    }
}
