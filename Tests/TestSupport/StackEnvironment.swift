import Foundation

/// Addresses of the local stack (PostgreSQL, Kafka, SSH, SMTP) that `scripts/stack start` writes to `.stack/env`.
///
/// Integration tests fail, rather than skip, when a variable is missing: a suite that silently skips its servers
/// would pass without testing anything. Run them through `scripts/test`, or `source .stack/env` first.
public enum StackEnvironment {
    public struct Missing: Error, CustomStringConvertible {
        public let name: String
        public var description: String {
            "\(name) is not set: start the local stack with scripts/stack start and source .stack/env "
                + "(scripts/test does both)"
        }
    }

    public static func require(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { throw Missing(name: name) }
        return value
    }

    public static func optional(_ name: String) -> String? {
        ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A name unique to this run, for a per-test topic, database schema or consumer group.
    public static func uniqueName(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }
}
