import Configuration

/// Typed reads that refuse a value they cannot use instead of silently falling back to the default,
/// so a typo in a port number stops the service at start rather than running it on the wrong port.
extension ConfigReader {
    public func checkedString(_ key: String, isSecret: Bool = false) -> String? {
        string(forKey: ConfigKey(key), isSecret: isSecret).flatMap { $0.isEmpty ? nil : $0 }
    }

    public func checkedInt(_ key: String, default defaultValue: Int, range: ClosedRange<Int>) throws -> Int {
        let value: Int
        if let number = int(forKey: ConfigKey(key)) {
            value = number
        } else if let text = checkedString(key) {
            guard let number = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw ConfigurationError(
                    key: key, problem: "is \"\(text)\", not a whole number",
                    fix: "set it to a number from \(range.lowerBound) to \(range.upperBound)")
            }
            value = number
        } else {
            return defaultValue
        }
        guard range.contains(value) else {
            throw ConfigurationError(
                key: key, problem: "is \(value), out of range",
                fix: "set it to a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    public func checkedSeconds(_ key: String, default defaultValue: Duration, range: ClosedRange<Int>) throws -> Duration {
        let fallback = Int(defaultValue.components.seconds)
        return .seconds(try checkedInt(key, default: fallback, range: range))
    }

    public func checkedChoice<T: RawRepresentable & CaseIterable>(_ key: String, default defaultValue: T) throws -> T
    where T.RawValue == String {
        guard let text = checkedString(key) else { return defaultValue }
        guard let value = T(rawValue: text.lowercased()) else {
            let choices = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigurationError(key: key, problem: "is \"\(text)\"", fix: "use one of: \(choices)")
        }
        return value
    }
}
