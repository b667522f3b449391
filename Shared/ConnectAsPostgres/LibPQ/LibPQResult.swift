import CLibPQ
import Foundation

/// Turns libpq results into Swift values and errors. Everything is copied before `PQclear`.
enum LibPQResult {
    static func rows(_ result: OpaquePointer, connection: OpaquePointer) throws -> PostgresRows {
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_SINGLE_TUPLE:
            break
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            throw PostgresError(.unsupported, message: "COPY is not supported by this client")
        default:
            throw serverError(result, connection: connection)
        }
        let columnCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        let columns = (0..<columnCount).map { column in
            PostgresColumn(
                name: String(cString: PQfname(result, Int32(column))),
                type: PostgresDataType(rawValue: PQftype(result, Int32(column))))
        }
        var values: [[String?]] = []
        values.reserveCapacity(rowCount)
        for row in 0..<Int32(rowCount) {
            values.append(
                (0..<Int32(columnCount)).map { column in
                    PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
                })
        }
        return PostgresRows(
            columns: columns, values: values, commandTag: String(cString: PQcmdStatus(result)),
            affectedRows: Int(String(cString: PQcmdTuples(result))) ?? 0)
    }

    static func serverError(_ result: OpaquePointer, connection: OpaquePointer) -> PostgresError {
        func field(_ code: Character) -> String? {
            guard let value = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: value)
        }
        let lost = PQstatus(connection) != CONNECTION_OK
        // Without diagnostic fields the error came from libpq itself (a broken connection, a protocol error).
        let message =
            field("M") ?? trimmed(String(cString: PQresultErrorMessage(result))).nonEmpty
            ?? connectionMessage(connection)
        return PostgresError(
            lost ? .connectionLost : .serverError,
            message: message,
            sqlState: field("C").map(PostgresError.SQLState.init(rawValue:)),
            detail: field("D"), hint: field("H"), constraint: field("n"), table: field("t"), column: field("c"),
            isConnectionLost: lost)
    }

    /// For calls that returned no result at all, or found the connection unusable.
    static func connectionError(_ connection: OpaquePointer) -> PostgresError {
        let lost = PQstatus(connection) != CONNECTION_OK
        return PostgresError(
            lost ? .connectionLost : .serverError, message: connectionMessage(connection), isConnectionLost: lost)
    }

    static func connectionMessage(_ connection: OpaquePointer) -> String {
        trimmed(String(cString: PQerrorMessage(connection))).nonEmpty ?? "unknown libpq error"
    }

    static func drainNotifications(_ connection: OpaquePointer) -> [PostgresNotification] {
        var received: [PostgresNotification] = []
        while let notify = PQnotifies(connection) {
            received.append(
                PostgresNotification(
                    channel: String(cString: notify.pointee.relname), payload: String(cString: notify.pointee.extra),
                    senderPID: notify.pointee.be_pid))
            PQfreemem(notify)
        }
        return received
    }

    private static func trimmed(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension String {
    fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}
