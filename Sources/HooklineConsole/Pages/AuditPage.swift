import HooklineCGI
import HooklineStore
import HooklineTemplates

/// `GET /audit`: recent changes, who made them and what changed.
enum AuditPage {
    @Sendable static func show(_ context: PageContext, _ parameters: RouteParameters) throws -> Response {
        let entries = try AuditLog(try context.database()).recent(limit: 200)
        return try context.page("audit", title: "Audit log", ["entries": .list(entries.map { entryValue($0, context: context) })])
    }

    static func entryValue(_ entry: AuditEntry, context: PageContext) -> TemplateValue {
        [
            "at": .text(Timestamp.display(entry.at)),
            "at_iso": .text(Timestamp.iso(entry.at)),
            "actor": .text(entry.actor),
            "action": .text(entry.action.rawValue.replacing("_", with: " ")),
            "name": .text(entry.subscriptionName),
            "link": .text(entry.subscriptionID.map { context.link("/\($0)") } ?? ""),
            "deleted": .bool(entry.action == .delete),
            "changes": .list(entry.changes.entries.map { change in
                [
                    "field": .text(change.field),
                    "old": .text(change.old ?? "—"),
                    "new": .text(change.new ?? "—"),
                ]
            }),
        ]
    }
}
