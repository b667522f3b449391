/// The one pattern for names that have to appear inside SQL text because PostgreSQL takes no parameter there:
/// LISTEN channels and schema names.
///
/// Lower case only: an unquoted identifier is folded to lower case by the server while `pg_notify($1, …)` takes the
/// channel verbatim, so a mixed-case name would listen on one channel and notify another.
public enum PostgresIdentifier {
    /// `[a-z_][a-z0-9_]*`, at most 63 bytes (PostgreSQL's NAMEDATALEN - 1).
    public static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= 63 else { return false }
        func isLetter(_ b: UInt8) -> Bool {
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || b == UInt8(ascii: "_")
        }
        func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
        return isLetter(first) && bytes.dropFirst().allSatisfy { isLetter($0) || isDigit($0) }
    }

    static func validate(_ name: String, what: String) throws {
        // The name is not echoed back: it may come from input, and the pattern says enough.
        guard isValid(name) else {
            throw PostgresError(
                .invalidIdentifier,
                message: "\(what) name is not a valid identifier ([a-z_][a-z0-9_]*, at most 63 characters)")
        }
    }

    /// The name double-quoted, after validation; quoting keeps keywords such as `user` usable.
    static func quoted(_ name: String, what: String) throws -> String {
        try validate(name, what: what)
        return "\"\(name)\""
    }
}
