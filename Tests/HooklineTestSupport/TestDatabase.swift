import Foundation
import HooklineStore

/// The database one test fixture works on: an SQLite file in the fixture's directory, or —
/// when `HOOKLINE_TEST_POSTGRES` names a PostgreSQL server (`make unit` starts one) — a fresh
/// database on that server, created from a migrated template and dropped with the fixture.
/// The same tests thus run on both backends.
public final class TestDatabase: @unchecked Sendable {
    /// The server's URI (its maintenance database), when the tests run on PostgreSQL.
    public static let serverURI: String? = {
        let value = ProcessInfo.processInfo.environment["HOOKLINE_TEST_POSTGRES"] ?? ""
        return value.isEmpty ? nil : value
    }()

    public static var isPostgreSQL: Bool { serverURI != nil }

    /// Where the data is.
    public let location: DatabaseLocation
    /// What a config's `database =` line says for it.
    public let configValue: String
    private let name: String?

    /// An SQLite file `file` inside `directory`, or a new PostgreSQL database.
    public init(in directory: TemporaryDirectory, file: String = "hookline.db") throws {
        guard let server = Self.serverURI else {
            name = nil
            location = .sqlite(path: directory.file(file))
            configValue = file
            return
        }
        let name = "hookline_test_" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        try Self.psql(server, "CREATE DATABASE \(name) TEMPLATE \(try Self.templateName.get())")
        self.name = name
        let uri = Self.uri(server, database: name)
        location = .postgresql(uri: uri, passwordFile: nil)
        configValue = uri
    }

    /// An SQLite file `file` inside `directory`, whatever the tests run on.
    public init(sqliteIn directory: TemporaryDirectory, file: String = "hookline.db") {
        name = nil
        location = .sqlite(path: directory.file(file))
        configValue = file
    }

    deinit {
        if let name, let server = Self.serverURI { try? Self.psql(server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
    }

    /// Runs SQL on the test database with the engine's own shell (`sqlite3` or `psql`), outside
    /// Hookline — to break or inspect it as an operator could.
    public func shell(_ sql: String) throws {
        switch location {
        case .sqlite(let path): try Self.run("/usr/bin/sqlite3", [path, sql])
        case .postgresql(let uri, _): try Self.psql(uri, sql)
        }
    }

    /// The migrated, empty template database, made once per test process.
    private static let templateName: Result<String, Error> = Result {
        _ = dropTemplateAtExit
        let server = serverURI!
        let name = "hookline_template_" + String(UInt32(getpid()), radix: 16)
        try psql(server, "DROP DATABASE IF EXISTS \(name)")
        try psql(server, "CREATE DATABASE \(name)")
        let db = try Database(.postgresql(uri: uri(server, database: name), passwordFile: nil))
        try Schema.migrate(db)
        return name
    }

    /// Drops the template made by this process (call once, at the end: `atexit`).
    static let dropTemplateAtExit: Void = {
        atexit {
            if let server = TestDatabase.serverURI, case .success(let name) = TestDatabase.templateName {
                try? TestDatabase.psql(server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            }
        }
    }()

    /// `server` with its database name replaced by `database`.
    public static func uri(_ server: String, database: String) -> String {
        guard let scheme = server.range(of: "://") else { return server }
        let rest = server[scheme.upperBound...]
        let pathStart = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let query = rest[pathStart...].firstIndex(of: "?").map { String(rest[$0...]) } ?? ""
        return String(server[..<pathStart]) + "/" + database + query
    }

    static func psql(_ uri: String, _ sql: String) throws {
        try run("/usr/bin/psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", uri, "-c", sql])
    }

    private static func run(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw StoreError("\(executable) failed: \(String(decoding: message, as: UTF8.self))")
        }
    }
}

#if canImport(Testing)
    import Testing

    extension Trait where Self == ConditionTrait {
        /// For a test of something only SQLite has (pragmas, files, its own upgrade path); the
        /// PostgreSQL run skips it.
        public static var sqliteOnly: Self { .enabled(if: !TestDatabase.isPostgreSQL, "SQLite-specific") }
        /// For a test of something only PostgreSQL has.
        public static var postgreSQLOnly: Self { .enabled(if: TestDatabase.isPostgreSQL, "needs HOOKLINE_TEST_POSTGRES") }
    }
#endif
