// swift-tools-version:6.0
import PackageDescription

// Connect As: four services that talk only through Kafka, over shared library modules.
// Services/<name> holds one executable each; Shared/ the libraries; C libraries come from the system via pkg-config.

let log: Target.Dependency = .product(name: "Logging", package: "swift-log")
let lifecycle: Target.Dependency = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let configuration: Target.Dependency = .product(name: "Configuration", package: "swift-configuration")
let hummingbird: Target.Dependency = .product(name: "Hummingbird", package: "hummingbird")
let metrics: Target.Dependency = .product(name: "Metrics", package: "swift-metrics")
let prometheus: Target.Dependency = .product(name: "Prometheus", package: "swift-prometheus")
let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let mustache: Target.Dependency = .product(name: "Mustache", package: "swift-mustache")

let package = Package(
    name: "connect-as",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "policy-service", targets: ["policy-service"]),
        .executable(name: "session-injector", targets: ["session-injector"]),
        .executable(name: "audit-writer", targets: ["audit-writer"]),
        .executable(name: "notifier", targets: ["notifier"]),
        .executable(name: "connectas", targets: ["connectas"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // C libraries, each through a [system] module map and a shim header.
        .systemLibrary(
            name: "CRdKafka", path: "Shared/CRdKafka", pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev (2.2 or newer: scripts/setup builds it)"])]),
        .systemLibrary(name: "CLibPQ", path: "Shared/CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(
            name: "CLibSSH2", path: "Shared/CLibSSH2", pkgConfig: "libssh2",
            providers: [.apt(["libssh2-1-dev (1.11 or newer for rsa-sha2: scripts/setup builds it)"])]),
        .systemLibrary(
            name: "CCurl", path: "Shared/CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),

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
            dependencies: [
                "ConnectAsSchema", "ConnectAsKafka", "ConnectAsPostgres", log, lifecycle, configuration, hummingbird,
                metrics, prometheus, crypto,
            ],
            path: "Shared/ConnectAsService"),

        .target(name: "ConnectAsPolicy", dependencies: ["ConnectAsSchema"], path: "Shared/ConnectAsPolicy"),
        .target(
            name: "ConnectAsPlatformState", dependencies: ["ConnectAsPolicy", "ConnectAsPostgres", "ConnectAsSchema"],
            path: "Shared/ConnectAsPlatformState"),
        .target(
            name: "ConnectAsOdoo", dependencies: ["ConnectAsSSH", "ConnectAsSchema", log, lifecycle],
            path: "Shared/ConnectAsOdoo",
            resources: [.copy("Resources/connectas_shell.py")]),
        .target(name: "ConnectAsMail", dependencies: ["CCurl", "ConnectAsBlocking", log], path: "Shared/ConnectAsMail"),

        // The four services: a library with the logic (tested) and an executable with the composition point.
        .target(
            name: "PolicyService", dependencies: ["ConnectAsService", "ConnectAsPolicy", "ConnectAsPlatformState"],
            path: "Services/PolicyService"),
        .target(
            name: "SessionInjector", dependencies: [
                "ConnectAsService", "ConnectAsOdoo", crypto, hummingbird, lifecycle, configuration, log,
            ],
            path: "Services/SessionInjector", exclude: ["README.md"]),
        .target(
            name: "AuditWriter",
            dependencies: [
                "ConnectAsService", "ConnectAsPolicy", "ConnectAsPlatformState", crypto, hummingbird, configuration,
                lifecycle,
            ], path: "Services/AuditWriter"),
        .target(
            name: "Notifier",
            dependencies: [
                "ConnectAsService", "ConnectAsMail", "ConnectAsOdoo", "ConnectAsPostgres", configuration, lifecycle, mustache,
            ],
            path: "Services/Notifier", resources: [.copy("Templates")]),
        // Each composition point imports the runtime itself: declared, so a change to it rebuilds the executable.
        .executableTarget(
            name: "policy-service", dependencies: ["PolicyService", "ConnectAsService"], path: "Services/policy-service"),
        .executableTarget(
            name: "session-injector", dependencies: ["SessionInjector", "ConnectAsService"],
            path: "Services/session-injector"),
        .executableTarget(
            name: "audit-writer", dependencies: ["AuditWriter", "ConnectAsService"], path: "Services/audit-writer"),
        .executableTarget(
            name: "notifier", dependencies: ["Notifier", "ConnectAsService", "ConnectAsOdoo", "ConnectAsSSH"],
            path: "Services/notifier"),

        // The platform's side of the contract, for the CLI, the tests and the benchmark.
        .target(
            name: "ConnectAsPlatform", dependencies: ["ConnectAsSchema", "ConnectAsKafka", log],
            path: "Shared/ConnectAsPlatform"),

        // The platform's stand-in and the operator's tool: publish state, initiate, revoke, end, audit, tail, bench.
        .executableTarget(
            name: "connectas",
            dependencies: [
                "ConnectAsSchema", "ConnectAsKafka", "ConnectAsPlatform", "ConnectAsSSH", "ConnectAsPostgres", "AuditWriter",
                crypto, argumentParser, log,
            ],
            path: "Tools/connectas"),

        // Tests: unit tests need no server; integration tests read the local stack's addresses from the environment.
        .target(name: "TestSupport", dependencies: [log, "ConnectAsPostgres"], path: "Tests/TestSupport"),
        .testTarget(name: "ConnectAsSchemaTests", dependencies: ["ConnectAsSchema"], path: "Tests/ConnectAsSchemaTests"),
        .testTarget(
            name: "ConnectAsKafkaTests", dependencies: ["ConnectAsKafka", "TestSupport"], path: "Tests/ConnectAsKafkaTests"),
        .testTarget(
            name: "ConnectAsPostgresTests", dependencies: ["ConnectAsPostgres", "TestSupport"],
            path: "Tests/ConnectAsPostgresTests"),
        .testTarget(
            name: "ConnectAsSSHTests", dependencies: ["ConnectAsSSH", "CLibSSH2", "TestSupport"],
            path: "Tests/ConnectAsSSHTests"),
        .testTarget(
            name: "ConnectAsServiceTests", dependencies: ["ConnectAsService", "ConnectAsPostgres", "TestSupport"],
            path: "Tests/ConnectAsServiceTests"),
        .testTarget(name: "ConnectAsPolicyTests", dependencies: ["ConnectAsPolicy"], path: "Tests/ConnectAsPolicyTests"),
        .testTarget(
            name: "ConnectAsOdooTests", dependencies: ["ConnectAsOdoo", "TestSupport"], path: "Tests/ConnectAsOdooTests"),
        .testTarget(
            name: "ConnectAsMailTests", dependencies: ["ConnectAsMail", "TestSupport"], path: "Tests/ConnectAsMailTests"),
        .testTarget(
            name: "ServicesTests",
            dependencies: ["PolicyService", "SessionInjector", "AuditWriter", "Notifier", "TestSupport"],
            path: "Tests/ServicesTests"),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["ConnectAsSchema", "ConnectAsKafka", "ConnectAsPostgres", "ConnectAsPlatform", "TestSupport"],
            path: "Tests/IntegrationTests"),
    ]
)
