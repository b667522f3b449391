import ConnectAsSchema
import Foundation

/// The rules for the free text a support engineer types to justify a session (and, optionally, a revoke or an end).
///
/// The text is judged once trimmed of surrounding white space and line breaks, and the trimmed text is what the
/// approval carries. Lengths count characters as a person sees them (grapheme clusters), so an accented letter or an
/// emoji counts once whatever its encoding. Refused anywhere in the trimmed text: control characters (Unicode Cc,
/// line breaks and tabs included), the line and paragraph separators, and the bidirectional embedding, override and
/// isolate controls, which can make an audit line read differently from what it stores.
public enum ReasonRules {
    public static let minimumLength = 10
    public static let maximumLength = 500

    /// The reason an ``InitiateSession`` must give.
    public static func required(_ reason: String) throws(Denial) -> String {
        let trimmed = trim(reason)
        try refuseControlCharacters(trimmed)
        guard trimmed.count >= minimumLength else {
            throw Denial(
                .reasonTooShort, "The reason must be at least \(minimumLength) characters (it has \(trimmed.count)).")
        }
        try refuseTooLong(trimmed)
        return trimmed
    }

    /// A reason that may be absent (revoke, end): nil when absent or blank, otherwise held to the same characters
    /// and maximum length.
    public static func optional(_ reason: String?) throws(Denial) -> String? {
        guard let reason else { return nil }
        let trimmed = trim(reason)
        guard !trimmed.isEmpty else { return nil }
        try refuseControlCharacters(trimmed)
        try refuseTooLong(trimmed)
        return trimmed
    }

    public static func trim(_ reason: String) -> String {
        reason.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Whether `scalar` is refused inside a reason.
    public static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: return true
        default: return bidiControls.contains(scalar.value)
        }
    }

    // LRE, RLE, PDF, LRO, RLO and LRI, RLI, FSI, PDI: the controls of "Trojan Source" (CVE-2021-42574).
    private static let bidiControls: Set<UInt32> = [
        0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069,
    ]

    private static func refuseControlCharacters(_ text: String) throws(Denial) {
        guard !text.unicodeScalars.contains(where: isForbidden) else {
            throw Denial(.reasonInvalidCharacters, "The reason contains control characters; write it on one line.")
        }
    }

    private static func refuseTooLong(_ text: String) throws(Denial) {
        guard text.count <= maximumLength else {
            throw Denial(
                .reasonTooLong, "The reason must be at most \(maximumLength) characters (it has \(text.count)).")
        }
    }
}
