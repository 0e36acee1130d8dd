import HooklineTestSupport

@testable import HooklineStore

extension StoreFixture {
    /// The first column of the first row as an integer (-1 when there is no row).
    func scalar(_ sql: String, _ bindings: [SQLValue] = []) throws -> Int {
        guard let row = try db.query(sql, bindings).first, let column = row.columns.names.first else {
            return -1
        }
        return try row.int(column)
    }

    /// The first column of the first row as text ("" when there is no row).
    func text(_ sql: String, _ bindings: [SQLValue] = []) throws -> String {
        guard let row = try db.query(sql, bindings).first, let column = row.columns.names.first else {
            return ""
        }
        return try row.text(column)
    }
}
