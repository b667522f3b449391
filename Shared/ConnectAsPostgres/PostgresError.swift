/// The one error this module throws.
///
/// Server errors keep the SQLSTATE and the server's diagnostic fields. Parameter values never go into an error made
/// here; the server's own `detail` can quote row values (`Key (email)=(…) already exists`), so `description`,
/// which is what ends up in logs, leaves `detail` out and withholds the message of data exceptions (class 22),
/// which quote the offending input.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public let code: Code
    /// The five-character SQLSTATE, for errors that come from the server.
    public let sqlState: SQLState?
    public let message: String
    public let detail: String?
    public let hint: String?
    /// The constraint a violation names (`23505`, `23503`, `23514`, …).
    public let constraint: String?
    public let table: String?
    public let column: String?
    /// The connection is gone (the server closed it, the network failed): the pool replaces it.
    public let isConnectionLost: Bool
    public let file: String
    public let line: Int

    /// Worth running the whole transaction again: a serialization failure or a deadlock.
    public var isRetriable: Bool {
        sqlState == .serializationFailure || sqlState == .deadlockDetected
    }

    public init(
        _ code: Code,
        message: String,
        sqlState: SQLState? = nil,
        detail: String? = nil,
        hint: String? = nil,
        constraint: String? = nil,
        table: String? = nil,
        column: String? = nil,
        isConnectionLost: Bool = false,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.table = table
        self.column = column
        self.isConnectionLost = isConnectionLost
        self.file = file
        self.line = line
    }

    public var description: String {
        var context: [String] = []
        if let sqlState { context.append("SQLSTATE \(sqlState)") }
        if let constraint { context.append("constraint \(constraint)") }
        if isConnectionLost { context.append("connection lost") }
        let head =
            context.isEmpty ? "PostgresError.\(code)" : "PostgresError.\(code) (\(context.joined(separator: ", ")))"
        let text =
            sqlState?.isDataException == true ? "invalid input value (message withheld: it may quote it)" : message
        return "\(head): \(text)"
    }
}

extension PostgresError {
    /// Open-ended: new codes can be added without breaking a caller's `switch`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, Sendable {
            case connectionFailed, connectionLost, serverError, decodingFailed, invalidArgument, invalidIdentifier
            case poolClosed, transactionRolledBack, migrationChecksumMismatch, invalidMigrations, unsupported
        }
        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        /// A connection could not be established (bad URL, refused, timed out, authentication failed).
        public static let connectionFailed = Code(.connectionFailed)
        /// An established connection broke during a call.
        public static let connectionLost = Code(.connectionLost)
        /// The server refused a statement; see ``PostgresError/sqlState``.
        public static let serverError = Code(.serverError)
        /// A column's value could not be turned into the Swift type asked for.
        public static let decodingFailed = Code(.decodingFailed)
        public static let invalidArgument = Code(.invalidArgument)
        /// A channel or schema name does not match ``PostgresIdentifier``'s pattern.
        public static let invalidIdentifier = Code(.invalidIdentifier)
        public static let poolClosed = Code(.poolClosed)
        /// COMMIT answered ROLLBACK: a statement failed inside the transaction and its error was caught.
        public static let transactionRolledBack = Code(.transactionRolledBack)
        /// A migration that was already applied has different SQL now.
        public static let migrationChecksumMismatch = Code(.migrationChecksumMismatch)
        /// The list of migrations itself is wrong (duplicate or non-positive versions).
        public static let invalidMigrations = Code(.invalidMigrations)
        /// The server answered with something this client does not handle (COPY).
        public static let unsupported = Code(.unsupported)

        public var description: String { backing.rawValue }
    }

    /// A SQLSTATE code (PostgreSQL manual, appendix A). The constants name the ones callers branch on.
    public struct SQLState: RawRepresentable, Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public var description: String { rawValue }

        /// The two-character class, such as `23` for integrity constraint violations.
        public var errorClass: Substring { rawValue.prefix(2) }
        var isDataException: Bool { errorClass == "22" }

        public static let serializationFailure: SQLState = "40001"
        public static let deadlockDetected: SQLState = "40P01"
        public static let uniqueViolation: SQLState = "23505"
        public static let foreignKeyViolation: SQLState = "23503"
        public static let notNullViolation: SQLState = "23502"
        public static let checkViolation: SQLState = "23514"
        public static let exclusionViolation: SQLState = "23P01"
        public static let syntaxError: SQLState = "42601"
        public static let undefinedTable: SQLState = "42P01"
        public static let undefinedColumn: SQLState = "42703"
        public static let insufficientPrivilege: SQLState = "42501"
        public static let invalidTextRepresentation: SQLState = "22P02"
        public static let lockNotAvailable: SQLState = "55P03"
        public static let queryCanceled: SQLState = "57014"
        public static let adminShutdown: SQLState = "57P01"
        public static let inFailedTransaction: SQLState = "25P02"
    }
}
