/// The platform's SSH preflight result for an environment; policy refuses sessions while it is not `ok`.
public struct Preflight: Codable, Sendable, Hashable {
    public var ok: Bool
    /// Human-readable descriptions of the failed checks, shown to the support engineer with the denial.
    public var failures: [String]

    public init(ok: Bool, failures: [String] = []) {
        self.ok = ok
        self.failures = failures
    }

    enum CodingKeys: String, CodingKey {
        case ok = "ok"
        case failures = "failures"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        ok = try container.required(.ok)
        // Absent means none: a passing preflight has nothing to list.
        failures = try container.optional(.failures) ?? []
    }
}
