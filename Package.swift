// swift-tools-version:6.0
import PackageDescription

// Connect As: four services that talk only through Kafka, over shared library modules.
// Services/<name> holds one executable each; Shared/ the libraries; C libraries come from the system via pkg-config.

let log: Target.Dependency = .product(name: "Logging", package: "swift-log")
let lifecycle: Target.Dependency = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let configuration: Target.Dependency = .product(name: "Configuration", package: "swift-configuration")

let package = Package(
    name: "connect-as",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "policy-service", targets: ["policy-service"]),
        .executable(name: "session-injector", targets: ["session-injector"]),
        .executable(name: "audit-writer", targets: ["audit-writer"]),
        .executable(name: "notifier", targets: ["notifier"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
    ],
    targets: [
        // C libraries, each through a [system] module map and a shim header.
        .systemLibrary(
            name: "CRdKafka", path: "Shared/CRdKafka", pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev (2.2 or newer: scripts/setup builds it)"])]),
        .systemLibrary(name: "CLibPQ", path: "Shared/CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(
            name: "CLibSSH2", path: "Shared/CLibSSH2", pkgConfig: "libssh2", providers: [.apt(["libssh2-1-dev"])]),

        // Libraries shared by the services.
        .target(name: "ConnectAsBlocking", path: "Shared/ConnectAsBlocking"),
        .target(name: "ConnectAsSchema", path: "Shared/ConnectAsSchema"),
        .target(name: "ConnectAsKafka", dependencies: ["CRdKafka", "ConnectAsBlocking", log], path: "Shared/ConnectAsKafka"),
        .target(
            name: "ConnectAsPostgres", dependencies: ["CLibPQ", "ConnectAsBlocking", log],
            path: "Shared/ConnectAsPostgres"),
        .target(name: "ConnectAsSSH", dependencies: ["CLibSSH2", "ConnectAsBlocking", log], path: "Shared/ConnectAsSSH"),
        .target(
            name: "ConnectAsService",
            dependencies: ["ConnectAsKafka", "ConnectAsPostgres", log, lifecycle, configuration],
            path: "Shared/ConnectAsService"),

        // The four services.
        .executableTarget(name: "policy-service", dependencies: ["ConnectAsService"], path: "Services/policy-service"),
        .executableTarget(
            name: "session-injector", dependencies: ["ConnectAsService", "ConnectAsSSH"],
            path: "Services/session-injector"),
        .executableTarget(name: "audit-writer", dependencies: ["ConnectAsService"], path: "Services/audit-writer"),
        .executableTarget(name: "notifier", dependencies: ["ConnectAsService"], path: "Services/notifier"),

        // Tests: unit tests need no server; integration tests read the local stack's addresses from the environment.
        .target(name: "TestSupport", dependencies: [log], path: "Tests/TestSupport"),
        .testTarget(name: "ConnectAsSchemaTests", dependencies: ["ConnectAsSchema"], path: "Tests/ConnectAsSchemaTests"),
        .testTarget(
            name: "ConnectAsKafkaTests", dependencies: ["ConnectAsKafka", "TestSupport"], path: "Tests/ConnectAsKafkaTests"),
        .testTarget(
            name: "ConnectAsPostgresTests", dependencies: ["ConnectAsPostgres", "TestSupport"],
            path: "Tests/ConnectAsPostgresTests"),
        .testTarget(name: "ConnectAsSSHTests", dependencies: ["ConnectAsSSH", "TestSupport"], path: "Tests/ConnectAsSSHTests"),
        .testTarget(
            name: "ConnectAsServiceTests", dependencies: ["ConnectAsService", "TestSupport"],
            path: "Tests/ConnectAsServiceTests"),
    ]
)
