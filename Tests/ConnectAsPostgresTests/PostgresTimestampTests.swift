import Foundation
import Testing

@testable import ConnectAsPostgres

/// No server needed: the text format the codecs read and write.
@Suite("timestamptz text")
struct PostgresTimestampTests {
    @Test("formatting is ISO, UTC, to the microsecond, with BC for years before 1")
    func format() {
        #expect(PostgresTimestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01 00:00:00.000000+00")
        #expect(PostgresTimestamp.format(Date(timeIntervalSince1970: -1.5)) == "1969-12-31 23:59:58.500000+00")
        #expect(PostgresTimestamp.format(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29 00:00:00.000000+00")
        #expect(
            PostgresTimestamp.format(Date(timeIntervalSince1970: -62_135_596_800 - 86_400))
                == "0001-12-31 00:00:00.000000+00 BC")
    }

    @Test("parsing reads offsets, fractions, dates without time, and BC")
    func parse() throws {
        #expect(try PostgresTimestamp.parse("1970-01-01 00:00:00+00") == Date(timeIntervalSince1970: 0))
        #expect(try PostgresTimestamp.parse("1970-01-01 05:30:00.25+05:30") == Date(timeIntervalSince1970: 0.25))
        #expect(try PostgresTimestamp.parse("1969-12-31 19:00:00-05") == Date(timeIntervalSince1970: 0))
        #expect(try PostgresTimestamp.parse("2000-02-29") == Date(timeIntervalSince1970: 951_782_400))
        #expect(
            try PostgresTimestamp.parse("0001-12-31 00:00:00+00 BC")
                == Date(timeIntervalSince1970: -62_135_596_800 - 86_400))
        #expect(throws: PostgresError.self) { try PostgresTimestamp.parse("infinity") }
        #expect(throws: PostgresError.self) { try PostgresTimestamp.parse("yesterday") }
        #expect(throws: PostgresError.self) { try PostgresTimestamp.parse("2024-13-01 00:00:00+00") }
    }

    @Test("identifiers: lower case letters, digits and underscores only")
    func identifiers() {
        #expect(PostgresIdentifier.isValid("connectas_outbox_1"))
        #expect(PostgresIdentifier.isValid("_x"))
        for bad in ["", "1a", "A", "a-b", "a b", "a\"b", "é", String(repeating: "a", count: 64)] {
            #expect(!PostgresIdentifier.isValid(bad), "\(bad)")
        }
    }
}
