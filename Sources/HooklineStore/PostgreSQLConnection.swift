import HooklineCore

#if canImport(Glibc)
    import Glibc
#endif

/// A PostgreSQL connection through libpq, which is loaded with `dlopen` the first time one is
/// opened: an SQLite installation never loads it (DESIGN §10), and the build needs no libpq.
///
/// Statements go as text with `?` placeholders rewritten to `$1, $2, …`; values travel in
/// text form with their types (bigint, double precision, text), and results come back in text
/// form and are decoded by column type into the same ``SQLValue``s SQLite gives.
final class PostgreSQLConnection: SQLConnection {
    private let pq: LibPQ
    private let connection: OpaquePointer
    private(set) var changes = 0
    /// `?` → `$n` rewrites, per statement text.
    private var numbered: [String: String] = [:]

    /// Whether this executable can load libpq. The fully static console cannot (static glibc
    /// cannot `dlopen` reliably): it hands PostgreSQL requests to `hookline-console-pg`.
    static var isAvailable: Bool {
        #if HOOKLINE_STATIC_EXECUTABLE
            false
        #else
            true
        #endif
    }

    init(uri: String, passwordFile: String?) throws(StoreError) {
        let pq = try LibPQ.shared.get()
        self.pq = pq
        let shown = DatabaseLocation.redacted(uri)
        var keywords = ["connect_timeout", "application_name", "dbname"]
        var values = ["10", "hookline", uri]
        if let passwordFile {
            guard let password = Self.readPassword(passwordFile) else {
                throw StoreError("cannot read the database password file \(passwordFile) (it must be readable by this user)")
            }
            keywords.append("password")
            values.append(password)
        }
        let handle = Self.withCStrings(keywords) { keywordPointers in
            Self.withCStrings(values) { valuePointers in
                pq.connectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let handle else { throw StoreError("cannot connect to the database \(shown): out of memory") }
        guard pq.status(handle) == 0 else {
            let reason = String(cString: pq.errorMessage(handle)).trimmingWhitespace
            pq.finish(handle)
            throw StoreError("cannot connect to the database \(shown): \(reason)")
        }
        connection = handle
    }

    deinit { pq.finish(connection) }

    private static func readPassword(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes += buffer[0..<count]
            if bytes.count > 4096 { return nil }
        }
        return String(decoding: bytes, as: UTF8.self).trimmingWhitespace
    }

    /// A connection the server dropped (restart, failover, idle timeout) is opened again before
    /// the next statement, so a long-running worker recovers; the statement that failed stays failed.
    private func reconnectIfBroken() {
        if pq.status(connection) != 0 { pq.reset(connection) }
    }

    func execute(_ sql: String) throws(StoreError) {
        reconnectIfBroken()
        let result = pq.exec(connection, sql)
        defer { pq.clear(result) }
        try check(result)
    }

    @discardableResult
    func query(_ sql: String, _ bindings: [SQLValue]) throws(StoreError) -> [Row] {
        reconnectIfBroken()
        let text = numberedPlaceholders(sql)
        var types: [UInt32] = []
        var values: [String?] = []
        types.reserveCapacity(bindings.count)
        values.reserveCapacity(bindings.count)
        for binding in bindings {
            switch binding {
            case .null:
                types.append(0)
                values.append(nil)
            case .int(let v):
                types.append(Self.int8)
                values.append(String(v))
            case .double(let v):
                types.append(Self.float8)
                values.append(v.isFinite ? String(v) : "0")
            case .text(let s):
                types.append(Self.textType)
                // PostgreSQL text cannot hold NUL; it is shown as U+FFFD anyway.
                values.append(s.utf8.contains(0) ? s.replacing("\u{0}", with: "\u{FFFD}") : s)
            }
        }
        let result = Self.withOptionalCStrings(values) { pointers in
            pq.execParams(connection, text, Int32(bindings.count), types, pointers, nil, nil, 0)
        }
        defer { pq.clear(result) }
        try check(result)
        guard let result else { return [] }
        changes = Int(String(cString: pq.cmdTuples(result))) ?? 0
        let rowCount = pq.ntuples(result)
        let fieldCount = pq.nfields(result)
        guard fieldCount > 0 else { return [] }
        let columns = ColumnNames((0..<fieldCount).map { field in String(cString: pq.fname(result, field)) })
        let fieldTypes = (0..<fieldCount).map { field in pq.ftype(result, field) }
        var rows: [Row] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            var decoded: [SQLValue] = []
            decoded.reserveCapacity(Int(fieldCount))
            for field in 0..<fieldCount {
                if pq.getisnull(result, row, field) != 0 {
                    decoded.append(.null)
                    continue
                }
                let length = Int(pq.getlength(result, row, field))
                let bytes = UnsafeRawPointer(pq.getvalue(result, row, field)).assumingMemoryBound(to: UInt8.self)
                let text = String(decoding: UnsafeBufferPointer(start: bytes, count: length), as: UTF8.self)
                decoded.append(Self.decode(text, type: fieldTypes[Int(field)]))
            }
            rows.append(Row(columns: columns, values: decoded))
        }
        return rows
    }

    var inTransaction: Bool { pq.transactionStatus(connection) != 0 }

    // Type OIDs (pg_type.h).
    private static let bool: UInt32 = 16
    private static let int8: UInt32 = 20
    private static let int2: UInt32 = 21
    private static let int4: UInt32 = 23
    private static let textType: UInt32 = 25
    private static let float4: UInt32 = 700
    private static let float8: UInt32 = 701
    private static let numeric: UInt32 = 1700

    private static func decode(_ text: String, type: UInt32) -> SQLValue {
        switch type {
        case bool: return .int(text == "t" ? 1 : 0)
        case int8, int2, int4: return Int64(text).map(SQLValue.int) ?? .text(text)
        case float4, float8: return Double(text).map(SQLValue.double) ?? .text(text)
        case numeric: return Int64(text).map(SQLValue.int) ?? Double(text).map(SQLValue.double) ?? .text(text)
        default: return .text(text)
        }
    }

    /// Throws the server's message (with its SQLSTATE) unless `result` says the statement ran.
    private func check(_ result: OpaquePointer?) throws(StoreError) {
        guard let result else {
            throw StoreError("database error: \(String(cString: pq.errorMessage(connection)).trimmingWhitespace)")
        }
        let status = pq.resultStatus(result)
        // PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY.
        guard status != 1 && status != 2 && status != 0 else { return }
        let message = String(cString: pq.resultErrorMessage(result)).trimmingWhitespace
        let code = pq.resultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
        throw StoreError("SQL error: \(message)", code: code)
    }

    /// `?` → `$1, $2, …` outside quoted text and identifiers.
    private func numberedPlaceholders(_ sql: String) -> String {
        if let cached = numbered[sql] { return cached }
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var number = 0
        var quote: Character? = nil
        for character in sql {
            if let open = quote {
                if character == open { quote = nil }
                out.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                out.append(character)
            } else if character == "?" {
                number += 1
                out += "$\(number)"
            } else {
                out.append(character)
            }
        }
        numbered[sql] = out
        return out
    }

    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        withOptionalCStrings(strings + [nil], body)
    }

    private static func withOptionalCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        let copies = strings.map { $0.map { strdup($0) } ?? nil }
        defer { copies.forEach { free($0) } }
        return body(copies.map { $0.map { UnsafePointer($0) } })
    }
}

/// The libpq functions Hookline calls, looked up once per process in `libpq.so.5`.
struct LibPQ: @unchecked Sendable {
    typealias Connection = OpaquePointer
    typealias Result = OpaquePointer
    let connectdbParams: @convention(c) (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<UnsafePointer<CChar>?>?, Int32) -> Connection?
    let status: @convention(c) (Connection?) -> Int32
    let errorMessage: @convention(c) (Connection?) -> UnsafePointer<CChar>
    let finish: @convention(c) (Connection?) -> Void
    let reset: @convention(c) (Connection?) -> Void
    let transactionStatus: @convention(c) (Connection?) -> Int32
    let exec: @convention(c) (Connection?, UnsafePointer<CChar>) -> Result?
    let execParams:
        @convention(c) (
            Connection?, UnsafePointer<CChar>, Int32, UnsafePointer<UInt32>?, UnsafePointer<UnsafePointer<CChar>?>?,
            UnsafePointer<Int32>?, UnsafePointer<Int32>?, Int32
        ) -> Result?
    let resultStatus: @convention(c) (Result?) -> Int32
    let resultErrorMessage: @convention(c) (Result?) -> UnsafePointer<CChar>
    let resultErrorField: @convention(c) (Result?, Int32) -> UnsafePointer<CChar>?
    let cmdTuples: @convention(c) (Result?) -> UnsafePointer<CChar>
    let ntuples: @convention(c) (Result?) -> Int32
    let nfields: @convention(c) (Result?) -> Int32
    let fname: @convention(c) (Result?, Int32) -> UnsafePointer<CChar>
    let ftype: @convention(c) (Result?, Int32) -> UInt32
    let getvalue: @convention(c) (Result?, Int32, Int32) -> UnsafePointer<CChar>
    let getlength: @convention(c) (Result?, Int32, Int32) -> Int32
    let getisnull: @convention(c) (Result?, Int32, Int32) -> Int32
    let clear: @convention(c) (Result?) -> Void

    /// The library, loaded on first use; an error says which package provides it.
    static let shared: Swift.Result<LibPQ, StoreError> = Swift.Result { () throws(StoreError) in try LibPQ() }

    private init() throws(StoreError) {
        #if HOOKLINE_STATIC_EXECUTABLE
            throw StoreError("this executable is static and cannot load libpq; PostgreSQL is reached through hookline-console-pg")
        #else
            guard let library = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL) else {
                let reason = dlerror().map { String(cString: $0) } ?? "not found"
                throw StoreError("cannot load libpq for PostgreSQL (\(reason)); install the libpq5 package")
            }
            func find<T>(_ name: String) throws(StoreError) -> T { try Self.symbol(name, in: library) }
            connectdbParams = try find("PQconnectdbParams")
            status = try find("PQstatus")
            errorMessage = try find("PQerrorMessage")
            finish = try find("PQfinish")
            reset = try find("PQreset")
            transactionStatus = try find("PQtransactionStatus")
            exec = try find("PQexec")
            execParams = try find("PQexecParams")
            resultStatus = try find("PQresultStatus")
            resultErrorMessage = try find("PQresultErrorMessage")
            resultErrorField = try find("PQresultErrorField")
            cmdTuples = try find("PQcmdTuples")
            ntuples = try find("PQntuples")
            nfields = try find("PQnfields")
            fname = try find("PQfname")
            ftype = try find("PQftype")
            getvalue = try find("PQgetvalue")
            getlength = try find("PQgetlength")
            getisnull = try find("PQgetisnull")
            clear = try find("PQclear")
        #endif
    }

    private static func symbol<T>(_ name: String, in library: UnsafeMutableRawPointer) throws(StoreError) -> T {
        guard let address = dlsym(library, name) else {
            throw StoreError("the libpq found lacks \(name); install a current libpq5")
        }
        return unsafeBitCast(address, to: T.self)
    }
}
