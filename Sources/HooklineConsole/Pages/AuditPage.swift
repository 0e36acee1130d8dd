import HooklineCGI
import HooklineStore
import HooklineTemplates

/// `GET /audit`: recent changes, who made them and what changed.
enum AuditPage {
    @Sendable static func show(_ context: PageContext) throws -> Response {
        let entries = try context.store.audit.recent(limit: 200, subscriptionID: nil)
        return try context.page(
            "audit", title: "Audit log", ["entries": .list(entries.map { PageValues.auditEntry($0, links: context.links) })])
    }
}
