/// `hookline migrate --to postgresql://…`: copies an SQLite installation into an empty
/// PostgreSQL database — subscriptions with their secrets and scope, the catalogue, the audit
/// log, API tokens, events, deliveries with every attempt, the metrics counters — in one
/// transaction, then checks that every table holds as many rows as the source.
public enum DatabaseCopy {
    /// The tables copied, parents before children (foreign keys), and how each is read in
    /// pages: by `rowid` where SQLite has one, all at once for the small key-only tables.
    static let tables: [(name: String, pagedByRowID: Bool)] = [
        ("organization", true), ("agents", true), ("event_types", true), ("subscriptions", true),
        ("subscription_events", false), ("subscription_agents", false), ("audit_log", true), ("secret_reveals", true),
        ("api_tokens", true), ("events", true), ("deliveries", true), ("delivery_attempts", true), ("delivery_metrics", false),
    ]

    /// Tables whose `id` PostgreSQL generates (`BIGSERIAL`): their sequences move past the copied ids.
    static let generatedIDs = ["audit_log", "deliveries", "delivery_attempts", "api_tokens"]

    /// Rows copied per table, in copy order.
    public struct Report: Sendable {
        public var tables: [(name: String, rows: Int)] = []
    }

    /// Copies `source` (SQLite, migrated) into `target` (PostgreSQL). The target is migrated
    /// first and must hold no subscriptions, deliveries, audit entries or tokens; `progress`
    /// hears each table when it is done. All or nothing: on any error the target is unchanged.
    public static func copy(from source: Database, to target: Database, progress: (String, Int) -> Void = { _, _ in })
        throws -> Report
    {
        guard source.dialect == .sqlite else { throw StoreError("the source must be an SQLite database") }
        guard target.dialect == .postgresql else { throw StoreError("the target must be a postgresql:// database") }
        try Schema.migrate(source)
        try Schema.migrate(target)
        return try target.transaction {
            for table in ["subscriptions", "deliveries", "audit_log", "api_tokens", "events"] {
                let rows = try target.query("SELECT count(*) AS n FROM \(table)").first?.int("n") ?? 0
                guard rows == 0 else {
                    throw StoreError("the target database is not empty (\(table) has \(rows) rows); copy into a new, empty database")
                }
            }
            // What `init` seeded (organization, the documented event types) makes way for the source's.
            try target.execute("DELETE FROM event_types; DELETE FROM organization; DELETE FROM agents; DELETE FROM delivery_metrics")
            var report = Report()
            for table in tables {
                let copied = try copyTable(table.name, pagedByRowID: table.pagedByRowID, from: source, to: target)
                let expected = try count(table.name, in: source)
                let landed = try count(table.name, in: target)
                guard copied == expected, landed == expected else {
                    throw StoreError("copying \(table.name) went wrong: \(expected) rows in the source, \(landed) in the target")
                }
                report.tables.append((table.name, landed))
                progress(table.name, landed)
            }
            for table in generatedIDs {
                try target.query(
                    "SELECT setval(pg_get_serial_sequence('\(table)', 'id'), coalesce(max(id), 0) + 1, false) AS next FROM \(table)")
            }
            return report
        }
    }

    private static func count(_ table: String, in db: Database) throws -> Int {
        try db.query("SELECT count(*) AS n FROM \(table)").first?.int("n") ?? 0
    }

    /// Reads `table` in pages of 500 rows and inserts each page with one statement.
    private static func copyTable(_ table: String, pagedByRowID: Bool, from source: Database, to target: Database) throws -> Int {
        var copied = 0
        var lastRowID: Int64 = 0
        while true {
            let rows =
                pagedByRowID
                ? try source.query(
                    "SELECT rowid AS hookline_rowid, * FROM \(table) WHERE rowid > ? ORDER BY rowid LIMIT 500", [.int(lastRowID)])
                : try source.query("SELECT * FROM \(table)")
            guard let first = rows.first else { break }
            let columns = first.columns.names.filter { $0 != "hookline_rowid" }
            let placeholders = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
            // At most 500 rows per INSERT (PostgreSQL takes up to 65,535 parameters per statement).
            for start in stride(from: 0, to: rows.count, by: 500) {
                let chunk = rows[start..<min(start + 500, rows.count)]
                var bindings: [SQLValue] = []
                bindings.reserveCapacity(chunk.count * columns.count)
                for row in chunk {
                    for column in columns { bindings.append(try row.value(column)) }
                }
                try target.run(
                    "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
                        + Array(repeating: placeholders, count: chunk.count).joined(separator: ", "), bindings)
            }
            copied += rows.count
            guard pagedByRowID, rows.count == 500, case .int(let rowID) = try rows[rows.count - 1].value("hookline_rowid") else { break }
            lastRowID = rowID
        }
        return copied
    }
}
