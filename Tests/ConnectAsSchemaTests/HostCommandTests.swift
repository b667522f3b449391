import ConnectAsSchema
import Testing

@Suite("A host command as typed, to the wire's argv")
struct HostCommandTests {
    @Test func theWiresArrayFormIsTakenAsItIs() throws {
        let argv = try OdooRuntime.hostArguments(parsing: #"["/opt/odoo bin/odoo-bin", "-c", "/etc/odoo.conf"]"#)
        #expect(argv == ["/opt/odoo bin/odoo-bin", "-c", "/etc/odoo.conf"])
    }

    @Test func wordsAreSplitOnWhiteSpace() throws {
        #expect(try OdooRuntime.hostArguments(parsing: " /opt/odoo/odoo-bin  -c\t/etc/odoo.conf ")
            == ["/opt/odoo/odoo-bin", "-c", "/etc/odoo.conf"])
    }

    @Test(arguments: [#"/opt/odoo-bin -c "/etc/my odoo.conf""#, "odoo-bin -c it\\'s", "", "   ", "[]", #"["a", 1]"#, "[\"\"]"])
    func whatCannotBeSplitSafelyIsRefused(_ text: String) {
        #expect(throws: SchemaError.self) { try OdooRuntime.hostArguments(parsing: text) }
    }
}
