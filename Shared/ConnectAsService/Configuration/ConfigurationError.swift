/// A configuration value that is missing or wrong. Services print it and exit at start, before touching anything:
/// the message names the key, its environment variable and what to put there.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable, Equatable {
    public let key: String
    public let problem: String
    public let fix: String

    public init(key: String, problem: String, fix: String) {
        self.key = key
        self.problem = problem
        self.fix = fix
    }

    /// The environment variable that sets `key` (swift-configuration's mapping: dots and camelCase to underscores).
    public var environmentVariable: String {
        var name = ""
        var previousWasLower = false
        for character in key {
            if character == "." || character == "-" {
                name.append("_")
                previousWasLower = false
                continue
            }
            if character.isUppercase && previousWasLower { name.append("_") }
            name.append(contentsOf: character.uppercased())
            previousWasLower = character.isLowercase
        }
        return name
    }

    public var description: String {
        "configuration error: \(key) (\(environmentVariable)) \(problem); \(fix)"
    }
}
