import CSQLite

/// A SQLite connection configured the way Hookline always uses it: WAL, a busy timeout,
/// foreign keys on, prepared statements cached for the connection's life.
final class SQLiteConnection: SQLConnection {
    let handle: OpaquePointer
    private var statementCache: [String: OpaquePointer] = [:]

    /// Maps the database file instead of copying pages into the heap: a page request reads a few
    /// dozen scattered pages once, so mapped reads (advised random, see `CSQLite/shim.h`) save a
    /// system call and a fresh heap page for each. Up to 256 MiB of the file is mapped (pages
    /// past it are read as before); Hookline never shrinks the file (no VACUUM, no auto-vacuum).
    static let mappedBytes = 256 << 20

    /// SQLite set up once per process, before its first connection (see `CSQLite/shim.h`): no
    /// memory statistics, files mapped with random-access advice.
    private static let configured: Bool = hookline_sqlite_configure() == SQLITE_OK

    init(path: String) throws(StoreError) {
        _ = Self.configured
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
            let mode = try query("PRAGMA journal_mode = WAL", []).first?.text("journal_mode")
            if mode != "wal" { throw StoreError("could not switch \(path) to WAL mode (got \(mode ?? "nothing"))") }
            try execute("PRAGMA synchronous = NORMAL")
            try execute("PRAGMA mmap_size = \(Self.mappedBytes)")
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

    func execute(_ sql: String) throws(StoreError) {
        var error: UnsafeMutablePointer<CChar>?
        if sqlite3_exec(handle, sql, nil, nil, &error) != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(error)
            throw StoreError(message)
        }
    }

    @discardableResult
    func query(_ sql: String, _ bindings: [SQLValue]) throws(StoreError) -> [Row] {
        let statement = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        try bind(bindings, to: statement)
        let count = sqlite3_column_count(statement)
        let columns = ColumnNames(
            (0..<count).map { column in sqlite3_column_name(statement, column).map { String(cString: $0) } ?? "" })
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

    var changes: Int { Int(sqlite3_changes(handle)) }

    var inTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

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
