import ConnectAsPolicy
import ConnectAsSchema
import Testing

@Suite("Reason rules")
struct ReasonRulesTests {
    static func code(_ reason: String) -> DenialCode? {
        Fixtures.decideInitiate(Fixtures.initiate(reason: reason)).denial?.code
    }

    @Test("length edges: 9 and 501 refused, 10 and 500 accepted")
    func lengthEdges() {
        #expect(Self.code(String(repeating: "a", count: 9)) == .reasonTooShort)
        #expect(Self.code(String(repeating: "a", count: 10)) == nil)
        #expect(Self.code(String(repeating: "a", count: 500)) == nil)
        #expect(Self.code(String(repeating: "a", count: 501)) == .reasonTooLong)
    }

    @Test("length counts after trimming")
    func trimmedLength() {
        #expect(Self.code("   " + String(repeating: "a", count: 9) + "   ") == .reasonTooShort)
        #expect(Self.code("\n\t" + String(repeating: "a", count: 10) + " \n") == nil)
        #expect(Self.code(" " + String(repeating: "a", count: 500) + " ") == nil)
        #expect(Self.code("a" + String(repeating: " ", count: 8) + "b") == nil)
    }

    @Test("empty and whitespace-only reasons are too short", arguments: ["", " ", "          ", "\n\n\t\t\r\n   \n"])
    func blank(reason: String) {
        #expect(Self.code(reason) == .reasonTooShort)
    }

    @Test("characters count as a person sees them")
    func graphemes() {
        #expect(Self.code(String(repeating: "é", count: 10)) == nil)
        #expect(Self.code(String(repeating: "e\u{301}", count: 9)) == .reasonTooShort)
        #expect(Self.code(String(repeating: "👩‍💻", count: 10)) == nil)
        #expect(Self.code(String(repeating: "👩‍💻", count: 501)) == .reasonTooLong)
    }

    @Test(
        "control characters inside the reason are refused",
        arguments: [
            "\u{0}", "\u{7}", "\n", "\r", "\t", "\u{1B}[31m", "\u{7F}", "\u{85}", "\u{9B}", "\u{2028}",
            "\u{2029}", "\u{202E}", "\u{2066}",
        ])
    func controlCharacters(character: String) {
        #expect(Self.code("Investigating" + character + "ticket 42") == .reasonInvalidCharacters)
    }

    @Test("control characters win over length, and trimmed line breaks are not inside")
    func controlAndLength() {
        #expect(Self.code("a\u{0}b") == .reasonInvalidCharacters)
        #expect(Self.code("Investigating ticket 42\r\n") == nil)
        #expect(Self.code(String(repeating: "a", count: 600) + "\u{1}" + "b") == .reasonInvalidCharacters)
    }

    @Test("printable Unicode is fine")
    func printable() {
        #expect(Self.code("Revisión del ticket nº 42 — «factura» 請求書 ✓") == nil)
    }

    @Test("optional reasons: absent or blank become nil, others follow the same characters and maximum")
    func optionalReasons() throws {
        #expect(try ReasonRules.optional(nil) == nil)
        #expect(try ReasonRules.optional("  \n ") == nil)
        #expect(try ReasonRules.optional("  done ") == "done")
        #expect(throws: Denial.self) { try ReasonRules.optional("a\u{0}b") }
        #expect(throws: Denial.self) { try ReasonRules.optional(String(repeating: "a", count: 501)) }
        #expect(try ReasonRules.optional(String(repeating: "a", count: 500))?.count == 500)
    }
}
