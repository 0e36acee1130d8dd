/// Where the two engines spell the same thing differently. The store writes one statement and
/// asks the dialect for the parts that differ; everything else is SQL both engines run.
enum SQLDialect: Sendable {
    case sqlite
    case postgresql

    /// Opens a transaction. SQLite takes its write lock at once (`BEGIN IMMEDIATE`: no upgrade
    /// deadlocks); PostgreSQL serializes the check-then-write transactions on one advisory lock
    /// and leaves the workers' transactions to row locks.
    func beginTransaction(_ isolation: Database.Isolation) -> String {
        switch (self, isolation) {
        case (.sqlite, _): "BEGIN IMMEDIATE"
        case (.postgresql, .serialized): "BEGIN; SELECT pg_advisory_xact_lock(\(Self.writeLockKey))"
        case (.postgresql, .rowLocks): "BEGIN"
        }
    }

    /// The advisory lock every serialized PostgreSQL transaction holds ("HOOK" in ASCII).
    static let writeLockKey = 0x484F_4F4B

    /// `column` compared without regard to case, for ORDER BY (indexed as such in both schemas).
    func caseless(_ column: String) -> String {
        switch self {
        case .sqlite: "\(column) COLLATE NOCASE"
        case .postgresql: "lower(\(column))"
        }
    }

    /// A condition on a true/false expression, spelled so an expression index on it is used.
    func holds(_ expression: String, _ value: Bool = true) -> String {
        switch self {
        case .sqlite: "\(expression) = \(value ? 1 : 0)"
        case .postgresql: value ? expression : "NOT \(expression)"
        }
    }

    /// The larger of two values (SQLite's two-argument `max`).
    func greatest(_ a: String, _ b: String) -> String {
        switch self {
        case .sqlite: "max(\(a), \(b))"
        case .postgresql: "greatest(\(a), \(b))"
        }
    }

    /// A table `alias(value)` of the integers bound to its one placeholder by ``integers(_:)``,
    /// so a statement's text (and its prepared form) stays the same whatever the list's length.
    func integerTable(_ alias: String) -> String {
        switch self {
        case .sqlite: "json_each(?) \(alias)"
        case .postgresql: "unnest(CAST(? AS BIGINT[])) AS \(alias)(value)"
        }
    }

    /// The value bound to ``integerTable(_:)``'s placeholder.
    func integers(_ values: [Int]) -> SQLValue {
        let list = values.map { String($0) }.joined(separator: ",")
        switch self {
        case .sqlite: return .text("[" + list + "]")
        case .postgresql: return .text("{" + list + "}")
        }
    }

    /// What follows the row-picking `SELECT` of a claim: PostgreSQL locks the rows it picks
    /// and skips those another worker holds; SQLite's write lock already excludes the others.
    var skipLocked: String {
        switch self {
        case .sqlite: ""
        case .postgresql: " FOR UPDATE SKIP LOCKED"
        }
    }
}

/// Where the database is, from the config's `database` key: a file path (SQLite) or a
/// `postgresql://` URI (DESIGN §10).
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    /// A libpq connection URI; the password, when not in the URI, read from `passwordFile`.
    case postgresql(uri: String, passwordFile: String?)

    /// Whether `value` names a PostgreSQL database rather than a file.
    public static func isPostgreSQL(_ value: String) -> Bool {
        value.hasPrefix("postgresql://") || value.hasPrefix("postgres://")
    }

    /// For messages and logs: the path, or the URI with any password replaced by `***`.
    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgresql(let uri, _): Self.redacted(uri)
        }
    }

    /// `postgresql://user:secret@host/db?password=x` → `postgresql://user:***@host/db?password=***`.
    /// Like libpq, the credentials are whatever precedes an `@` before the first `/`; everything
    /// from their first `:` to the last such `@` is masked, so a stray `?` or `@` cannot unmask it.
    static func redacted(_ uri: String) -> String {
        guard let scheme = uri.firstRange(of: "://") else { return uri }
        let rest = uri[scheme.upperBound...]
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        var out = String(uri[..<scheme.upperBound])
        var tail = rest[...]
        if let at = rest[..<authorityEnd].lastIndex(of: "@") {
            let userInfo = rest[..<at]
            out += userInfo.firstIndex(of: ":").map { userInfo[..<$0] + ":***" } ?? String(userInfo)
            tail = rest[at...]
        }
        guard let question = tail.firstIndex(of: "?") else { return out + tail }
        out += tail[...question]
        let parameters = tail[tail.index(after: question)...].split(separator: "&", omittingEmptySubsequences: false)
        out += parameters.map { parameter in
            parameter.lowercased().hasPrefix("password=") ? "password=***" : String(parameter)
        }.joined(separator: "&")
        return out
    }
}
