import ConnectAsPostgres
import Foundation
import Testing

@Suite("Parameters and values", .timeLimit(.minutes(1)))
struct PostgresValueTests {
    @Test("every supported type goes in as a parameter and comes back equal")
    func roundTrip() async throws {
        try await PostgresTestDatabase.withPool("values_roundtrip") { pool, _ in
            let text = #"O'Reilly "quoted" \backslash; DROP TABLE x; -- ünïcödé ✓"#
            let date = Date(timeIntervalSince1970: 1_700_000_000.123456)
            let uuid = UUID()
            let bytes = Data((0...255).map { UInt8($0) })
            let row = try await pool.query(
                """
                SELECT $1::text AS text, $2 AS int, $3 AS int64, $4 AS int32, $5 AS yes, $6 AS no, $7 AS double,
                       $8 AS date, $9 AS uuid, $10 AS bytes, $11 AS json, $12::text AS missing, $13 AS empty
                """,
                text, Int.max, Int64.min, Int32(-7), true, false, 0.1, date, uuid, bytes,
                PostgresJSON(#"{"b": [1, 2], "a": "x"}"#), String?.none, Data())[0]
            #expect(try row.decode("text", as: String.self) == text)
            #expect(try row.decode("int", as: Int.self) == Int.max)
            #expect(try row.decode("int64", as: Int64.self) == Int64.min)
            #expect(try row.decode("int32", as: Int32.self) == -7)
            #expect(try row.decode("yes", as: Bool.self) == true)
            #expect(try row.decode("no", as: Bool.self) == false)
            #expect(try row.decode("double", as: Double.self) == 0.1)
            #expect(abs(try row.decode("date", as: Date.self).timeIntervalSince(date)) < 0.000_001)
            #expect(try row.decode("uuid", as: UUID.self) == uuid)
            #expect(try row.decode("bytes", as: Data.self) == bytes)
            #expect(try row.decode("json", as: PostgresJSON.self).text == #"{"a": "x", "b": [1, 2]}"#)
            #expect(try row.decode("missing", as: String?.self) == nil)
            #expect(row.isNull("missing"))
            #expect(try row.decode("empty", as: Data.self) == Data())
            #expect(
                row.columns.map(\.type) == [
                    .text, .int8, .int8, .int4, .bool, .bool, .float8, .timestamptz, .uuid, .bytea, .jsonb, .text,
                    .bytea,
                ])
        }
    }

    @Test("special floating-point values and dates far from 1970 survive the trip")
    func edgeValues() async throws {
        try await PostgresTestDatabase.withPool("values_edges") { pool, _ in
            for value in [Double.infinity, -Double.infinity, -0.0, 1e-300, 123_456_789.123_456_789] {
                #expect(try await pool.query("SELECT $1", value).scalar(as: Double.self) == value)
            }
            #expect(try await pool.query("SELECT $1", Double.nan).scalar(as: Double.self).isNaN)
            for seconds in [-1.5, -62_135_596_800.0 - 86_400 * 366, 0, 253_402_300_799.999999, 951_782_400.000001] {
                let date = Date(timeIntervalSince1970: seconds)
                let back = try await pool.query("SELECT $1", date).scalar(as: Date.self)
                // A Date is a Double: far from 2001 it cannot hold every microsecond.
                #expect(abs(back.timeIntervalSince(date)) < 0.000_1, "\(seconds)")
            }
            // The server's own rendering agrees with ours.
            let epoch = try await pool.query(
                "SELECT extract(epoch FROM $1::timestamptz)::float8", Date(timeIntervalSince1970: -1.5))
            #expect(try epoch.scalar(as: Double.self) == -1.5)
            let parsed = try await pool.query("SELECT '2024-02-29 23:59:59.5+05:30'::timestamptz").scalar(as: Date.self)
            #expect(parsed == Date(timeIntervalSince1970: 1_709_231_399.5))
        }
    }

    @Test("JSON values encode Codable types and read json as well as jsonb")
    func json() async throws {
        struct Payload: Codable, Equatable {
            var id: Int
            var tags: [String]
        }
        try await PostgresTestDatabase.withPool("values_json") { pool, _ in
            let payload = Payload(id: 3, tags: ["a", "b"])
            let row = try await pool.query(
                "SELECT $1 AS jsonb, ($1)::json AS json, $1 ->> 'id' AS id", try PostgresJSON(encoding: payload))[0]
            #expect(try row.decode("jsonb", as: PostgresJSON.self).decode(Payload.self) == payload)
            #expect(try row.decode("json", as: PostgresJSON.self).decode(Payload.self) == payload)
            #expect(try row.decode("id", as: Int.self) == 3)
        }
    }

    @Test("decoding errors name the column and the types, never the value")
    func decodingErrors() async throws {
        try await PostgresTestDatabase.withPool("values_decode") { pool, _ in
            let row = try await pool.query("SELECT 'secret-value'::text AS label, NULL::int AS nothing")[0]
            let wrongType = #expect(throws: PostgresError.self) { try row.decode("label", as: Int.self) }
            #expect(wrongType?.code == .decodingFailed)
            #expect(wrongType?.message.contains(#"column "label" (text) cannot be read as Int"#) == true)
            #expect(wrongType?.message.contains("secret-value") == false)

            let null = #expect(throws: PostgresError.self) { try row.decode("nothing", as: Int.self) }
            #expect(null?.message.contains(#"column "nothing" is NULL"#) == true)
            #expect(try row.decode("nothing", as: Int?.self) == nil)

            let missing = #expect(throws: PostgresError.self) { try row.decode("absent", as: String.self) }
            #expect(missing?.message.contains("label, nothing") == true)
            #expect(throws: PostgresError.self) { try row.decode(5, as: String.self) }
            let none = try await pool.query("SELECT 1 WHERE false")
            #expect(throws: PostgresError.self) { try none.scalar(as: Int.self) }
        }
    }

    @Test("a NUL byte in a parameter is refused instead of cutting the value short")
    func nulIsRefused() async throws {
        try await PostgresTestDatabase.withPool("values_nul") { pool, _ in
            let error = await #expect(throws: PostgresError.self) { try await pool.query("SELECT $1", "a\u{0}b") }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message == "parameter $1 contains a NUL byte")
        }
    }

    @Test("affected rows and command tags are reported")
    func commandResults() async throws {
        try await PostgresTestDatabase.withPool("values_tags") { pool, _ in
            try await pool.query("CREATE TABLE t (id int)")
            let insert = try await pool.query("INSERT INTO t SELECT generate_series(1, $1)", Int32(5))
            #expect(insert.affectedRows == 5)
            #expect(insert.commandTag == "INSERT 0 5")
            let update = try await pool.query("UPDATE t SET id = id + 1 WHERE id > $1", 2)
            #expect(update.affectedRows == 3)
            #expect(try await pool.query("SELECT id FROM t WHERE id < 0").isEmpty)
        }
    }
}
