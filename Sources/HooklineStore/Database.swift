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

/// The column names of one result, shared by all its rows. A name that repeats in the SELECT
/// list means its first column.
///
/// Looked up by a scan that compares lengths before text: a result has a few dozen columns at
/// most, and this is several times cheaper than hashing the name (a page reads about a thousand
/// values, so it shows in a page's cost).
struct ColumnNames: Sendable {
    /// In SELECT-list order.
    let names: [String]
    private let lengths: [Int]

    init(_ names: [String]) {
        self.names = names
        lengths = names.map(\.utf8.count)
    }

    /// The position of the first column called `name`.
    func index(of name: String) -> Int? {
        let length = name.utf8.count
        for index in lengths.indices where lengths[index] == length && names[index] == name {
            return index
        }
        return nil
    }
}

/// One result row; columns are read by name (the SELECT list's column or `AS` name).
///
/// Reading is strict: a NULL where none is allowed, a value of the wrong type (text where an
/// integer is expected, …) or a column the query did not select is a ``StoreError`` that names
/// the column — never a silent 0 or "".
struct Row: Sendable {
    let columns: ColumnNames
    let values: [SQLValue]

    /// The raw value of `column`.
    func value(_ column: String) throws(StoreError) -> SQLValue {
        guard let index = columns.index(of: column) else {
            throw StoreError("the query has no column “\(column)” (it has: \(columns.names.sorted().joined(separator: ", ")))")
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
    /// The engine's error code when it gave one (PostgreSQL's SQLSTATE, e.g. `40P01`).
    public let code: String?
    public init(_ message: String, code: String? = nil) {
        self.message = message
        self.code = code
    }
    public var description: String { message }

    /// A deadlock or serialization failure: the transaction was rolled back and may simply be run again.
    var isTransient: Bool { code == "40P01" || code == "40001" }
}

/// A connection to Hookline's database — SQLite (the embedded default) or PostgreSQL (DESIGN §10) —
/// used the way Hookline always uses it. SQL runs only through statements with bound values
/// (`?` placeholders in both engines), and only inside this module: other modules open a
/// connection and hand it to the store's parts. Where the engines' SQL differs, the store asks
/// ``dialect``.
public final class Database {
    let connection: any SQLConnection
    let dialect: SQLDialect
    /// Where the data lives: the SQLite file, or the PostgreSQL URI without its password.
    public let path: String

    /// Opens (creating if needed) the SQLite file at `path`; does not migrate (see ``Schema/migrate(_:)``).
    public convenience init(path: String) throws(StoreError) {
        self.init(connection: try SQLiteConnection(path: path), dialect: .sqlite, path: path)
    }

    /// Opens `location`: an SQLite file, or a PostgreSQL server through libpq (loaded now, at
    /// run time, and only here). Does not migrate.
    public convenience init(_ location: DatabaseLocation) throws(StoreError) {
        switch location {
        case .sqlite(let path):
            try self.init(path: path)
        case .postgresql(let uri, let passwordFile):
            let connection = try PostgreSQLConnection(uri: uri, passwordFile: passwordFile)
            self.init(connection: connection, dialect: .postgresql, path: location.description)
        }
    }

    /// Whether this executable can open PostgreSQL databases: false in the fully static console,
    /// which hands such requests to `hookline-console-pg` (static glibc cannot load libpq).
    public static var canLoadPostgreSQL: Bool { PostgreSQLConnection.isAvailable }

    init(connection: any SQLConnection, dialect: SQLDialect, path: String) {
        self.connection = connection
        self.dialect = dialect
        self.path = path
    }

    /// Runs SQL without results (schema changes, several statements at once). Never user input.
    func execute(_ sql: String) throws(StoreError) {
        try connection.execute(sql)
    }

    /// Runs one statement with bound values and returns every row.
    @discardableResult
    func query(_ sql: String, _ bindings: [SQLValue] = []) throws(StoreError) -> [Row] {
        try connection.query(sql, bindings)
    }

    /// Runs one statement and returns the number of rows it changed.
    @discardableResult
    func run(_ sql: String, _ bindings: [SQLValue] = []) throws(StoreError) -> Int {
        try connection.query(sql, bindings)
        return connection.changes
    }

    /// Runs an `INSERT` into a table with an `id` key and returns the new row's id.
    func insert(_ sql: String, _ bindings: [SQLValue]) throws(StoreError) -> Int {
        guard let row = try connection.query(sql + " RETURNING id", bindings).first else {
            throw StoreError("the insert returned no id")
        }
        return try row.int("id")
    }

    /// How a transaction meets the others.
    enum Isolation {
        /// One writer at a time, like SQLite's write lock: what every check-then-write needs
        /// (versions, form tokens, idempotent events, the next id).
        case serialized
        /// Row locks only (PostgreSQL): the workers' claims (`FOR UPDATE SKIP LOCKED`) and the
        /// records that hold a claim, so workers do not queue behind each other or the pages.
        case rowLocks
    }

    /// Runs `body` in one transaction: committed if it returns, rolled back if it throws.
    /// Inside a transaction already (a batch made of single changes), `body` joins it. SQLite
    /// takes its write lock (`BEGIN IMMEDIATE`); PostgreSQL takes an advisory lock for
    /// ``Isolation/serialized`` and runs `body` again after a deadlock or serialization failure.
    func transaction<T>(_ isolation: Isolation = .serialized, _ body: () throws -> T) throws -> T {
        if connection.inTransaction { return try body() }
        var retries = 0
        while true {
            try execute(dialect.beginTransaction(isolation))
            do {
                let result = try body()
                try execute("COMMIT")
                return result
            } catch let error as StoreError where error.isTransient && retries < 5 {
                try? execute("ROLLBACK")
                retries += 1
            } catch {
                try? execute("ROLLBACK")
                throw error
            }
        }
    }
}

/// What the store needs of an engine's connection.
protocol SQLConnection: AnyObject {
    /// Runs SQL text without parameters (may hold several statements).
    func execute(_ sql: String) throws(StoreError)
    /// Runs one statement with `?` placeholders bound to `bindings`.
    @discardableResult
    func query(_ sql: String, _ bindings: [SQLValue]) throws(StoreError) -> [Row]
    /// Rows changed by the last statement ``query(_:_:)`` ran.
    var changes: Int { get }
    /// Whether a transaction is open.
    var inTransaction: Bool { get }
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
