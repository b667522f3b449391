import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The documented limit and character rule of every string field, checked while decoding so that a refusal names
/// the field. A record over ``EventCodec/maxRecordBytes`` is refused before any of these run.
///
/// | rule | fields | limit |
/// |---|---|---|
/// | id | `requestId`, `orgId`, `environmentId`, `platformUserId`, `sessionId` | ``idPattern``, 1–128 ASCII |
/// | identifier | logins, host names, databases, envelope `id` / `source`, … | 1–256 characters, not blank, no control characters |
/// | e-mail | `email` | 3–254 characters, one `@`, no white space or control characters |
/// | IP address | `clientIp` | an IPv4 or IPv6 address, stored in its normal form (`::ffff:1.2.3.4` stays IPv6) |
/// | user agent | `userAgent` | up to 1,024 characters, no control characters |
/// | search | `ListUsers.search` | up to 200 characters, no control characters |
/// | reason | `InitiateSession.reason`, end and revoke reasons | up to 2,000 characters of any UTF-8 (policy then allows 10–500 without control characters, as a denial the platform can show) |
public enum FieldRules {
    /// Letters, digits, `.`, `_`, `:` and `-`, starting with a letter or digit: safe in keys, paths and logs.
    public static let idPattern = "^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"
    public static let idMaxLength = 128
    public static let identifierMaxLength = 256
    public static let emailMaxLength = 254
    public static let userAgentMaxLength = 1_024
    public static let searchMaxLength = 200
    public static let reasonMaxLength = 2_000

    /// Whether `value` is a valid id, by ``idPattern``.
    public static func isID(_ value: String) -> Bool {
        let utf8 = value.utf8
        guard let first = utf8.first, utf8.count <= idMaxLength, isAlphanumeric(first) else { return false }
        return utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_")
            || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "-")
        }
    }

    /// The normal form of an IPv4 or IPv6 address, or nil when `value` is not one (no ports, zones or brackets).
    public static func normalizedIPAddress(_ value: String) -> String? {
        guard value.utf8.count <= 45, value.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, value, &v4) == 1 {
            var buffer = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
            guard inet_ntop(AF_INET, &v4, &buffer, socklen_t(buffer.count)) != nil else { return nil }
            return String(cString: buffer)
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, value, &v6) == 1 {
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            guard inet_ntop(AF_INET6, &v6, &buffer, socklen_t(buffer.count)) != nil else { return nil }
            return String(cString: buffer)
        }
        return nil
    }

    static func hasControlCharacter(_ value: String) -> Bool {
        value.unicodeScalars.contains { $0.value < 0x20 || (0x7f...0x9f).contains($0.value) }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}

/// Whether free text may hold control characters: a reason may (policy refuses it with a denial that is audited),
/// a user agent or a search may not.
enum ControlCharacters {
    case refused, allowed
}

extension KeyedDecodingContainer {
    func id(_ key: Key) throws -> String {
        let value = try decode(String.self, forKey: key)
        try Self.checkID(value, at: codingPath + [key])
        return value
    }

    func optionalID(_ key: Key) throws -> String? {
        guard let value = try decodeIfPresent(String.self, forKey: key) else { return nil }
        try Self.checkID(value, at: codingPath + [key])
        return value
    }

    func email(_ key: Key) throws -> String {
        let value = try identifier(key)
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        if value.utf8.count > FieldRules.emailMaxLength || parts.count != 2 || parts.contains(where: \.isEmpty)
            || value.contains(where: \.isWhitespace)
        {
            throw SchemaError.invalidValue(
                at: codingPath + [key], expected: "an e-mail address of at most \(FieldRules.emailMaxLength) bytes",
                found: value, "not an e-mail address")
        }
        return value
    }

    func ipAddress(_ key: Key) throws -> String {
        let value = try decode(String.self, forKey: key)
        guard let normalized = FieldRules.normalizedIPAddress(value) else {
            throw SchemaError.invalidValue(
                at: codingPath + [key], expected: "an IPv4 or IPv6 address", found: value, "not an IP address")
        }
        return normalized
    }

    func text(_ key: Key, max: Int, controls: ControlCharacters) throws -> String {
        let value = try decode(String.self, forKey: key)
        try Self.checkText(value, max: max, controls: controls, at: codingPath + [key])
        return value
    }

    func optionalText(_ key: Key, max: Int, controls: ControlCharacters) throws -> String? {
        guard let value = try decodeIfPresent(String.self, forKey: key) else { return nil }
        try Self.checkText(value, max: max, controls: controls, at: codingPath + [key])
        return value
    }

    static func checkID(_ value: String, at path: [any CodingKey]) throws {
        guard FieldRules.isID(value) else {
            throw SchemaError.invalidValue(at: path, expected: FieldRules.idPattern, found: value, "not a valid id")
        }
    }

    static func checkText(_ value: String, max: Int, controls: ControlCharacters, at path: [any CodingKey]) throws {
        if value.count > max {
            throw SchemaError.invalidValue(
                at: path, expected: "at most \(max) characters", found: value, "too long")
        }
        if controls == .refused, FieldRules.hasControlCharacter(value) {
            throw SchemaError.invalidValue(
                at: path, expected: "text without control characters", found: value, "holds a control character")
        }
    }
}
