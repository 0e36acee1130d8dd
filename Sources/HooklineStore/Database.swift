import CSQLite

/// A value bound to or read from a SQL statement. Only the store builds SQL.
enum SQLValue: Sendable, Equatable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)

    /// How the value is named in a decoding error: `NULL`, `an integer (3)`, `text “abc”`.
    var described: String {
        switch self {
        case .null: "NULL"
        case .int(let v): "an integer (\(v))"
        case .double(let v): "a real number (\(v))"
        case .text(let s): "text “\(s.prefix(40))”"
        }
    }
}

/// One result row; columns are read by name (the SELECT list's column or `AS` name).
///
/// Reading is strict: a NULL where none is allowed, a value of the wrong type (text where an
/// integer is expected, …) or a column the query did not select is a ``StoreError`` that names
/// the column — never a silent 0 or "".
struct Row: Sendable {
    /// Column name → position, shared by every row of one result.
    let columns: [String: Int]
    let values: [SQLValue]

    /// The raw value of `column`.
    func value(_ column: String) throws(StoreError) -> SQLValue {
        guard let index = columns[column] else {
            throw StoreError("the query has no column “\(column)” (it has: \(columns.keys.sorted().joined(separator: ", ")))")
        }
        return values[index]
    }

    func int(_ column: String) throws(StoreError) -> Int {
        guard let value = try optionalInt(column) else { throw Self.unexpectedNull(column, expected: "an integer") }
        return value
    }

    func optionalInt(_ column: String) throws(StoreError) -> Int? {
        switch try value(column) {
        case .null: return nil
        case .int(let v): return Int(v)
        case let other: throw Self.wrongType(column, expected: "an integer", found: other)
        }
    }

    func double(_ column: String) throws(StoreError) -> Double {
        switch try value(column) {
        case .int(let v): return Double(v)
        case .double(let v): return v
        case .null: throw Self.unexpectedNull(column, expected: "a number")
        case let other: throw Self.wrongType(column, expected: "a number", found: other)
        }
    }

    func text(_ column: String) throws(StoreError) -> String {
        guard let value = try optionalText(column) else { throw Self.unexpectedNull(column, expected: "text") }
        return value
    }

    func optionalText(_ column: String) throws(StoreError) -> String? {
        switch try value(column) {
        case .null: return nil
        case .text(let s): return s
        case let other: throw Self.wrongType(column, expected: "text", found: other)
        }
    }

    /// A 0/1 flag.
    func bool(_ column: String) throws(StoreError) -> Bool {
        switch try int(column) {
        case 0: return false
        case 1: return true
        case let other: throw Self.wrongType(column, expected: "0 or 1", found: .int(Int64(other)))
        }
    }

    /// A value stored as the raw value of `T` (states, outcomes, actions, schemes).
    func enumValue<T: RawRepresentable>(_ column: String, as type: T.Type) throws(StoreError) -> T where T.RawValue == String {
        guard let value = try optionalEnumValue(column, as: type) else { throw Self.unexpectedNull(column, expected: "\(T.self)") }
        return value
    }

    func optionalEnumValue<T: RawRepresentable>(_ column: String, as type: T.Type) throws(StoreError) -> T? where T.RawValue == String {
        guard let text = try optionalText(column) else { return nil }
        guard let value = T(rawValue: text) else {
            throw StoreError("the database column “\(column)” holds “\(text.prefix(40))”, which is not a known \(T.self)")
        }
        return value
    }

    private static func unexpectedNull(_ column: String, expected: String) -> StoreError {
        StoreError("the database column “\(column)” is NULL where \(expected) is required")
    }

    private static func wrongType(_ column: String, expected: String, found: SQLValue) -> StoreError {
        StoreError("the database column “\(column)” holds \(found.described) where \(expected) is expected")
    }
}

/// A store failure with a message an operator can act on.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A SQLite connection configured the way Hookline always uses it: WAL, a busy timeout,
/// foreign keys on. SQL runs only through prepared statements with bound values, and only
/// inside this module: other modules open a connection and hand it to the store's parts.
public final class Database {
    let handle: OpaquePointer
    /// The database file.
    public let path: String
    private var statementCache: [String: OpaquePointer] = [:]

    /// Opens (creating if needed) the SQLite file at `path`; does not migrate (see ``Schema/migrate(_:)``).
    public init(path: String) throws(StoreError) {
        self.path = path
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let reason = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(db)
            throw StoreError(Self.explainOpenFailure(path: path, reason: reason))
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        do {
            try execute("PRAGMA busy_timeout = 5000")
            try execute("PRAGMA foreign_keys = ON")
            let mode = try query("PRAGMA journal_mode = WAL").first?.text("journal_mode")
            if mode != "wal" { throw StoreError("could not switch \(path) to WAL mode (got \(mode ?? "nothing"))") }
            try execute("PRAGMA synchronous = NORMAL")
        } catch {
            throw StoreError(Self.explainOpenFailure(path: path, reason: String(describing: error)))
        }
    }

    deinit {
        for statement in statementCache.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    private static func explainOpenFailure(path: String, reason: String) -> String {
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        if reason.contains("readonly") || reason.contains("unable to open") {
            return "cannot open the database \(path): \(reason). The directory \(directory.isEmpty ? "." : directory) "
                + "must exist and be writable by this user (SQLite creates -wal and -shm files next to the database)."
        }
        return "cannot open the database \(path): \(reason)"
    }

    /// Runs SQL without results (schema changes, pragmas). Do not pass user input here.
    func execute(_ sql: String) throws(StoreError) {
        var error: UnsafeMutablePointer<CChar>?
        if sqlite3_exec(handle, sql, nil, nil, &error) != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(error)
            throw StoreError(message)
        }
    }

    /// Runs one statement with bound values and returns every row.
    @discardableResult
    func query(_ sql: String, _ bindings: [SQLValue] = []) throws(StoreError) -> [Row] {
        let statement = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        try bind(bindings, to: statement)
        let count = sqlite3_column_count(statement)
        var columns: [String: Int] = [:]
        for column in 0..<count {
            if let name = sqlite3_column_name(statement, column) {
                let key = String(cString: name)
                if columns[key] == nil { columns[key] = Int(column) }
            }
        }
        var rows: [Row] = []
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw StoreError(lastError) }
            var values: [SQLValue] = []
            values.reserveCapacity(Int(count))
            for column in 0..<count {
                switch sqlite3_column_type(statement, column) {
                case SQLITE_INTEGER: values.append(.int(sqlite3_column_int64(statement, column)))
                case SQLITE_FLOAT: values.append(.double(sqlite3_column_double(statement, column)))
                case SQLITE_NULL: values.append(.null)
                default:
                    if let text = sqlite3_column_text(statement, column) {
                        // By length, not up to the first NUL: stored text comes back byte for byte.
                        let length = Int(sqlite3_column_bytes(statement, column))
                        values.append(.text(String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self)))
                    } else {
                        values.append(.null)
                    }
                }
            }
            rows.append(Row(columns: columns, values: values))
        }
        return rows
    }

    /// Runs one statement and returns the number of rows it changed.
    @discardableResult
    func run(_ sql: String, _ bindings: [SQLValue] = []) throws(StoreError) -> Int {
        try query(sql, bindings)
        return Int(sqlite3_changes(handle))
    }

    var lastInsertID: Int { Int(sqlite3_last_insert_rowid(handle)) }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction: committed if it returns, rolled back if it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    private var lastError: String { String(cString: sqlite3_errmsg(handle)) }

    private func prepared(_ sql: String) throws(StoreError) -> OpaquePointer {
        if let cached = statementCache[sql] { return cached }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw StoreError("SQL error: \(lastError)")
        }
        statementCache[sql] = statement
        return statement
    }

    private func bind(_ values: [SQLValue], to statement: OpaquePointer) throws(StoreError) {
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(statement, index)
            case .int(let v): rc = sqlite3_bind_int64(statement, index, v)
            case .double(let v): rc = sqlite3_bind_double(statement, index, v)
            // By byte length, so a NUL inside the text is stored, not taken as its end.
            case .text(let s): rc = sqlite3_bind_text(statement, index, s, Int32(s.utf8.count), transient)
            }
            guard rc == SQLITE_OK else { throw StoreError("SQL bind error: \(lastError)") }
        }
    }
}

extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral {
    init(stringLiteral value: String) { self = .text(value) }
    init(integerLiteral value: Int) { self = .int(Int64(value)) }
    init(nilLiteral: ()) { self = .null }

    static func of(_ value: Int) -> SQLValue { .int(Int64(value)) }
    static func of(_ value: Int?) -> SQLValue { value.map { .int(Int64($0)) } ?? .null }
    static func of(_ value: String?) -> SQLValue { value.map { .text($0) } ?? .null }
    static func of(_ value: Bool) -> SQLValue { .int(value ? 1 : 0) }
    /// An enum stored as its raw value (the one mapping between the type and its SQL text).
    static func of<T: RawRepresentable>(_ value: T) -> SQLValue where T.RawValue == String { .text(value.rawValue) }
    static func of<T: RawRepresentable>(_ value: T?) -> SQLValue where T.RawValue == String { value.map { .text($0.rawValue) } ?? .null }
}
