import ConnectAsKafka
import ConnectAsPlatform
import ConnectAsPostgres
import ConnectAsSchema
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Logging
import TestSupport
import Testing

/// The four services as real processes against the local stack, each test with a database and topics of its own,
/// driven as the platform drives them: state and commands in on Kafka, replies and events out.
final class SuiteHarness: @unchecked Sendable {
    static let services = ["policy-service", "session-injector", "audit-writer", "notifier"]

    /// Each service's processes: its name for the first replica, `<name>#2`, `<name>#3`… for the others.
    let instances: [String]
    let prefix: String
    let environment: [String: String]
    private(set) var ports: [String: Int]
    let logDirectory: URL
    private var processes: [String: Process] = [:]
    let producer: KafkaProducer
    let platform: PlatformPublisher
    let replies: ReplyCollector
    let database: String
    let adminURL: String

    var redeemBase: String { "http://127.0.0.1:\(ports["session-injector"]!)" }
    var auditBase: String { "http://127.0.0.1:\(ports["audit-writer"]!)" }
    let odooURL: String
    let maildir: String

    static func start(extraEnvironment: [String: String] = [:], replicas: Int = 1, partitions: Int32 = 3)
        async throws -> SuiteHarness
    {
        let harness = try await SuiteHarness(
            extraEnvironment: extraEnvironment, replicas: replicas, partitions: partitions)
        do {
            try await harness.launch()
        } catch {
            // Whatever did start must not outlive the test.
            await harness.stop()
            throw error
        }
        return harness
    }

    private init(extraEnvironment: [String: String], replicas: Int, partitions: Int32) async throws {
        let logger = Logger(label: "integration")
        let prefix = StackEnvironment.uniqueName("it") + "."
        self.prefix = prefix
        adminURL = try StackDatabase.adminURL()
        odooURL = try StackEnvironment.require("CONNECTAS_ODOO_URL")
        maildir = try StackEnvironment.require("CONNECTAS_SMTP_MAILDIR")
        let brokers = try StackEnvironment.require("CONNECTAS_KAFKA_BROKERS")

        // A database per test: the services' schemas, sessions and audit start empty.
        database = prefix.replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: ".", with: "")
        try await StackDatabase.create(database, logger: logger)

        var environment = ProcessInfo.processInfo.environment
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(prefix)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let key = directory.appendingPathComponent("injector-secret.key")
        try Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedData().write(to: key)
        let checkpointKey = directory.appendingPathComponent("audit-checkpoint.key")
        try Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedData().write(to: checkpointKey)
        var ports: [String: Int] = [:]
        instances = Self.services.flatMap { service in
            (1...replicas).map { $0 == 1 ? service : "\(service)#\($0)" }
        }
        for instance in instances { ports[instance] = try ServicePorts.free() }
        self.ports = ports
        environment.merge(
            [
                "CONNECTAS_TOPICS_PREFIX": prefix,
                "CONNECTAS_KAFKA_SESSION_TIMEOUT_SECONDS": "6",
                "CONNECTAS_INJECTOR_SECRET_KEY_FILE": key.path,
                "CONNECTAS_AUDIT_CHECKPOINT_KEY_FILE": checkpointKey.path,
                "CONNECTAS_INJECTOR_SSH_KEY_FILE": try StackEnvironment.require("CONNECTAS_SSH_KEY_ED25519"),
                "CONNECTAS_INJECTOR_LINK_BASE_URL": "http://127.0.0.1:\(ports["session-injector"]!)",
                "CONNECTAS_INJECTOR_REDIRECT_URL": "\(odooURL)/web",
                "CONNECTAS_NOTIFIER_SMTP_HOST": try StackEnvironment.require("CONNECTAS_SMTP_HOST"),
                "CONNECTAS_NOTIFIER_SMTP_PORT": try StackEnvironment.require("CONNECTAS_SMTP_PORT"),
                "CONNECTAS_NOTIFIER_SMTP_FROM": "connect-as@platform.example",
                // The local SMTP server has no TLS; production keeps the default, STARTTLS required.
                "CONNECTAS_NOTIFIER_SMTP_TLS": "none",
                "CONNECTAS_LOG_LEVEL": "debug",
            ], uniquingKeysWith: { $1 })
        environment.merge(try AuditTokens.environment(), uniquingKeysWith: { $1 })
        environment.merge(extraEnvironment, uniquingKeysWith: { $1 })
        self.environment = environment
        logDirectory = directory

        let kafkaAdmin = try await KafkaAdmin.connect(
            configuration: KafkaAdminConfiguration(bootstrapServers: [brokers]), logger: logger)
        try await kafkaAdmin.createTopics(SuiteTopics.specifications(prefix: prefix, partitions: partitions))
        producer = try await KafkaProducer.connect(
            configuration: KafkaProducerConfiguration(bootstrapServers: [brokers]), logger: logger)
        platform = PlatformPublisher(producer: producer, topicPrefix: prefix, source: "/platform/integration-test")
        replies = try await ReplyCollector.start(
            bootstrapServers: [brokers], topic: prefix + DefaultTopic.replies, logger: logger)
    }

    private func launch() async throws {
        for service in Self.services {
            try await ServiceProcess.migrate(
                service,
                environment: environment.merging(try StackDatabase.serviceEnvironment(service, database: database)) {
                    $1
                })
        }
        for instance in instances { try run(instance) }
        for instance in instances { try await waitUntilReady(instance) }
    }

    private func run(_ instance: String, extraEnvironment: [String: String] = [:]) throws {
        do {
            let process = Process()
            let service = String(instance.prefix { $0 != "#" })
            process.executableURL = try ServiceProcess.binary(service)
            var environment = self.environment.merging(extraEnvironment) { $1 }
            // Its own role; the owner's URL is only for `migrate` (``launch()``).
            environment["CONNECTAS_PG_URL"] = try StackDatabase.serviceURL(service, database: database)
            environment["CONNECTAS_HTTP_PORT"] = "\(ports[instance]!)"
            process.environment = environment
            let log = logDirectory.appendingPathComponent("\(instance).log")
            if !FileManager.default.fileExists(atPath: log.path) {
                FileManager.default.createFile(atPath: log.path, contents: nil)
            }
            let handle = try FileHandle(forWritingTo: log)
            handle.seekToEndOfFile()
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            processes[instance] = process
        }
    }

    /// SIGKILL: the service gets no chance to finish anything, as when its machine dies.
    func kill9(_ service: String) {
        guard let process = processes[service], process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Starts a killed service again and waits until it is ready.
    func restart(_ service: String, readyWithin limit: Duration = .seconds(60)) async throws {
        try run(service)
        try await waitUntilReady(service, within: limit)
    }

    /// Starts one more replica (`<service>#N`) on a port of its own; waits until it is ready unless `limit` is nil
    /// (a member that owns no partition never is).
    func startExtra(_ instance: String, readyWithin limit: Duration?) async throws {
        ports[instance] = try ServicePorts.free()
        try run(instance)
        if let limit { try await waitUntilReady(instance, within: limit) }
    }

    /// SIGTERM, and waits until it has left its group and exited.
    func terminate(_ service: String) {
        guard let process = processes[service], process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// Starts a stopped service again, with `extraEnvironment` on top, without waiting for it.
    func startAgain(_ service: String, extraEnvironment: [String: String] = [:]) async throws {
        try run(service, extraEnvironment: extraEnvironment)
    }

    func waitUntilReady(_ service: String, within limit: Duration = .seconds(60)) async throws {
        let url = URL(string: "http://127.0.0.1:\(ports[service]!)/health")!
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let (_, response) = try? await URLSession.shared.data(from: url),
                (response as? HTTPURLResponse)?.statusCode == 200
            {
                return
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw HarnessError("\(service) was not ready within \(limit); its log: \(log(of: service).suffix(3000))")
    }

    /// Waits until policy-service has stored the org, its member and the environment: state and commands travel on
    /// different topics, so a command sent earlier could be decided before the state it needs.
    func waitUntilPolicyKnows(org: String, member: String, environment: String) async throws {
        let pool = try PostgresPool(
            configuration: PostgresConfiguration(url: Self.url(adminURL, database: database), maxConnections: 1),
            logger: Logger(label: "integration"))
        let deadline = ContinuousClock.now + .seconds(60)
        var known = 0
        while known != 3 && ContinuousClock.now < deadline {
            known =
                (try? await pool.query(
                    """
                    SELECT ((SELECT count(*) FROM policy_service.orgs WHERE org_id = $1)
                        + (SELECT count(*) FROM policy_service.members WHERE org_id = $1 AND platform_user_id = $2)
                        + (SELECT count(*) FROM policy_service.environments WHERE environment_id = $3))::int
                    """, org, member, environment
                ).scalar(as: Int.self)) ?? 0
            if known != 3 { try await Task.sleep(for: .milliseconds(100)) }
        }
        await pool.close()
        guard known == 3 else {
            throw HarnessError(
                "policy-service did not store \(org)/\(environment) within 60 s: "
                    + String(log(of: "policy-service").suffix(2000)))
        }
    }

    /// Every row the four services keep in this test's database, as `pg_dump --data-only` writes it.
    func databaseDump() throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["pg_dump", "--data-only", "--no-owner", Self.url(adminURL, database: database)]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw HarnessError("pg_dump exited \(process.terminationStatus)") }
        return String(decoding: data, as: UTF8.self)
    }

    func log(of service: String) -> String {
        (try? String(contentsOf: logDirectory.appendingPathComponent("\(service).log"), encoding: .utf8)) ?? ""
    }

    /// SIGTERM to every service, and waits for each to finish its work; SIGKILL for one still there after 30 s.
    func stop() async {
        let alreadyDown = Set(processes.filter { !$0.value.isRunning }.map(\.key))
        for process in processes.values where process.isRunning { process.terminate() }
        let deadline = ContinuousClock.now + .seconds(30)
        while processes.values.contains(where: \.isRunning) && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        // Every service must stop cleanly on SIGTERM, and only then: a crash or a hang fails the test.
        for (instance, process) in processes.sorted(by: { $0.key < $1.key }) {
            if process.isRunning {
                Issue.record("\(instance) was still running 30 s after SIGTERM: \(log(of: instance).suffix(2000))")
                kill(process.processIdentifier, SIGKILL)
            } else if alreadyDown.contains(instance) {
                Issue.record("\(instance) stopped during the test: \(log(of: instance).suffix(2000))")
            } else if process.terminationReason != .exit || process.terminationStatus != 0 {
                Issue.record("\(instance) ended with status \(process.terminationStatus) on SIGTERM")
            }
        }
        processes = [:]
        await replies.stop()
        await producer.shutdown()
    }

    static func url(_ url: String, database: String) -> String {
        guard let slash = url.range(of: "/", options: .backwards) else { return url }
        return url[..<slash.upperBound] + database
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
