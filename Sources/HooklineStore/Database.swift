import CSQLite

/// A value bound to or read from a SQL statement.
public enum SQLValue: Sendable, Equatable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
}

/// One result row; columns are read by position in the SELECT list.
public struct Row: Sendable {
    public let values: [SQLValue]

    public func int(_ index: Int) -> Int {
        switch values[index] {
        case .int(let v): Int(v)
        case .double(let v): Int(v)
        case .text(let s): Int(s) ?? 0
        case .null: 0
        }
    }

    public func optionalInt(_ index: Int) -> Int? {
        if case .null = values[index] { return nil }
        return int(index)
    }

    public func double(_ index: Int) -> Double {
        switch values[index] {
        case .int(let v): Double(v)
        case .double(let v): v
        case .text(let s): Double(s) ?? 0
        case .null: 0
        }
    }

    public func text(_ index: Int) -> String {
        switch values[index] {
        case .text(let s): s
        case .int(let v): String(v)
        case .double(let v): String(v)
        case .null: ""
        }
    }

    public func optionalText(_ index: Int) -> String? {
        if case .null = values[index] { return nil }
        return text(index)
    }

    public func bool(_ index: Int) -> Bool { int(index) != 0 }
}

/// A store failure with a message an operator can act on.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A SQLite connection configured the way Hookline always uses it: WAL, a busy timeout,
/// foreign keys on. SQL runs only through prepared statements with bound values.
public final class Database {
    let handle: OpaquePointer
    public let path: String
    private var statementCache: [String: OpaquePointer] = [:]

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
            let mode = try query("PRAGMA journal_mode = WAL").first?.text(0)
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
    public func execute(_ sql: String) throws(StoreError) {
        var error: UnsafeMutablePointer<CChar>?
        if sqlite3_exec(handle, sql, nil, nil, &error) != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(error)
            throw StoreError(message)
        }
    }

    /// Runs one statement with bound values and returns every row.
    @discardableResult
    public func query(_ sql: String, _ bindings: [SQLValue] = []) throws(StoreError) -> [Row] {
        let statement = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        try bind(bindings, to: statement)
        var rows: [Row] = []
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw StoreError(lastError) }
            let count = sqlite3_column_count(statement)
            var values: [SQLValue] = []
            values.reserveCapacity(Int(count))
            for column in 0..<count {
                switch sqlite3_column_type(statement, column) {
                case SQLITE_INTEGER: values.append(.int(sqlite3_column_int64(statement, column)))
                case SQLITE_FLOAT: values.append(.double(sqlite3_column_double(statement, column)))
                case SQLITE_NULL: values.append(.null)
                default:
                    if let text = sqlite3_column_text(statement, column) {
                        values.append(.text(String(cString: text)))
                    } else {
                        values.append(.null)
                    }
                }
            }
            rows.append(Row(values: values))
        }
        return rows
    }

    /// Runs one statement and returns the number of rows it changed.
    @discardableResult
    public func run(_ sql: String, _ bindings: [SQLValue] = []) throws(StoreError) -> Int {
        try query(sql, bindings)
        return Int(sqlite3_changes(handle))
    }

    public var lastInsertID: Int { Int(sqlite3_last_insert_rowid(handle)) }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction: committed if it returns, rolled back if it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
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
            case .text(let s): rc = sqlite3_bind_text(statement, index, s, -1, transient)
            }
            guard rc == SQLITE_OK else { throw StoreError("SQL bind error: \(lastError)") }
        }
    }
}

extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int) { self = .int(Int64(value)) }
    public init(nilLiteral: ()) { self = .null }

    public static func of(_ value: Int) -> SQLValue { .int(Int64(value)) }
    public static func of(_ value: Int?) -> SQLValue { value.map { .int(Int64($0)) } ?? .null }
    public static func of(_ value: String?) -> SQLValue { value.map { .text($0) } ?? .null }
    public static func of(_ value: Bool) -> SQLValue { .int(value ? 1 : 0) }
}
