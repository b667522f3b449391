/// A statement's result, copied out of libpq's buffers: safe to keep and to pass between tasks.
public struct PostgresRows: Sendable, RandomAccessCollection {
    public let columns: [PostgresColumn]
    /// The command tag, such as `INSERT 0 3` or `SELECT 2`.
    public let commandTag: String
    /// Rows inserted, updated, deleted, selected…, as the command tag says; 0 for commands without a count.
    public let affectedRows: Int
    let layout: PostgresRowLayout
    let values: [[String?]]

    init(columns: [PostgresColumn], values: [[String?]], commandTag: String, affectedRows: Int) {
        self.columns = columns
        self.layout = PostgresRowLayout(columns)
        self.values = values
        self.commandTag = commandTag
        self.affectedRows = affectedRows
    }

    public var startIndex: Int { values.startIndex }
    public var endIndex: Int { values.endIndex }
    public subscript(position: Int) -> PostgresRow { PostgresRow(layout: layout, values: values[position]) }

    /// The first column of the first row, for `SELECT count(*)` and the like.
    public func scalar<T: PostgresDecodable>(as type: T.Type = T.self) throws -> T {
        guard let row = first else {
            throw PostgresError(.decodingFailed, message: "expected a row, the statement returned none")
        }
        return try row.decode(0, as: type)
    }
}

public struct PostgresColumn: Sendable, Hashable {
    public let name: String
    public let type: PostgresDataType
}

/// Column names to positions, built once per result and shared by its rows.
final class PostgresRowLayout: Sendable {
    let columns: [PostgresColumn]
    let positions: [String: Int]

    init(_ columns: [PostgresColumn]) {
        self.columns = columns
        // With duplicate names (SELECT a.id, b.id) the first one wins; use positions to reach the others.
        self.positions = Dictionary(columns.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

public struct PostgresRow: Sendable {
    let layout: PostgresRowLayout
    let values: [String?]

    public var columns: [PostgresColumn] { layout.columns }

    /// The value of the column named `column`, as `type`; ask for an Optional to accept NULL.
    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard let index = layout.positions[column] else {
            let known = layout.columns.map(\.name).joined(separator: ", ")
            throw PostgresError(.decodingFailed, message: "no column named \"\(column)\" (columns: \(known))")
        }
        return try decode(index, as: type)
    }

    /// The value of the column at `index` (from 0), as `type`; ask for an Optional to accept NULL.
    public func decode<T: PostgresDecodable>(_ index: Int, as type: T.Type = T.self) throws -> T {
        guard values.indices.contains(index) else {
            throw PostgresError(.decodingFailed, message: "no column at index \(index) (the row has \(values.count))")
        }
        let column = layout.columns[index]
        guard let text = values[index] else {
            if let null = T.postgresNull { return null }
            throw PostgresError(
                .decodingFailed,
                message: "column \"\(column.name)\" is NULL; decode it as \(T.self)? to accept NULL")
        }
        do {
            return try T(postgresText: text, type: column.type)
        } catch let error as PostgresError {
            throw PostgresError(
                .decodingFailed,
                message: "column \"\(column.name)\" (\(column.type)) cannot be read as \(T.self): \(error.message)")
        } catch {
            throw PostgresError(
                .decodingFailed,
                message: "column \"\(column.name)\" (\(column.type)) cannot be read as \(T.self): \(error)")
        }
    }

    public func isNull(_ column: String) -> Bool {
        layout.positions[column].map { values[$0] == nil } ?? false
    }
}
