/// Field-level changes for one audit entry: names with old and new values. Secrets are
/// recorded only as "set", "generated" or "not set" — never their value.
public struct AuditChanges: Sendable {
    public private(set) var entries: [(field: String, old: String?, new: String?)] = []

    public init() {}

    /// Records a field only when its value changed.
    public mutating func add(_ field: String, _ old: String?, _ new: String?) {
        guard old != new else { return }
        entries.append((field, old, new))
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// JSON text: `[{"field":"name","old":"A","new":"B"}, …]`.
    var serialized: String {
        JSONValue.array(
            entries.map { entry in
                .object([
                    ("field", .string(entry.field)),
                    ("old", entry.old.map(JSONValue.string) ?? .null),
                    ("new", entry.new.map(JSONValue.string) ?? .null),
                ])
            }
        ).serialized()
    }

    static func parse(_ text: String) -> AuditChanges {
        var changes = AuditChanges()
        guard case .array(let items)? = try? JSONValue(parsing: text) else { return changes }
        for item in items {
            changes.entries.append((item["field"]?.stringValue ?? "", item["old"]?.stringValue, item["new"]?.stringValue))
        }
        return changes
    }
}

/// One audit entry: who did what to which subscription, when.
public struct AuditEntry: Sendable {
    public let id: Int
    public let at: Int
    public let actor: String
    public let action: AuditAction
    public let subscriptionID: Int?
    public let subscriptionName: String
    public let changes: AuditChanges
}

/// The audit log of every change made through the console or the CLI, in SQLite.
public struct AuditLog: AuditBackend {
    let db: Database

    public init(_ db: Database) { self.db = db }

    public func record(actor: String, action: AuditAction, subscriptionID: Int?, name: String, changes: AuditChanges, now: Int) throws {
        try db.run(
            "INSERT INTO audit_log (at, actor, action, subscription_id, subscription_name, changes) VALUES (?, ?, ?, ?, ?, ?)",
            [.of(now), .text(actor), .of(action), .of(subscriptionID), .text(name), .text(changes.serialized)])
    }

    /// The newest entries first, optionally for one subscription.
    public func recent(limit: Int = 50, subscriptionID: Int? = nil) throws -> [AuditEntry] {
        let rows: [Row]
        if let subscriptionID {
            rows = try db.query(
                "SELECT id, at, actor, action, subscription_id, subscription_name, changes FROM audit_log WHERE subscription_id = ? ORDER BY id DESC LIMIT ?",
                [.of(subscriptionID), .of(limit)])
        } else {
            rows = try db.query(
                "SELECT id, at, actor, action, subscription_id, subscription_name, changes FROM audit_log ORDER BY id DESC LIMIT ?",
                [.of(limit)])
        }
        return try rows.map { row throws(StoreError) in
            AuditEntry(
                id: try row.int("id"), at: try row.int("at"), actor: try row.text("actor"),
                action: try row.enumValue("action", as: AuditAction.self), subscriptionID: try row.optionalInt("subscription_id"),
                subscriptionName: try row.text("subscription_name"), changes: AuditChanges.parse(try row.text("changes")))
        }
    }
}
