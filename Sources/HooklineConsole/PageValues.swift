import HooklineStore
import HooklineTemplates

/// The template values more than one page shows, each built in one place: a subscription's
/// identity and links, a delivery attempt, an audit entry.
enum PageValues {
    /// What the inventory row and every page about one subscription show: identity, status,
    /// scope, secret and the links to its pages.
    static func subscriptionRow(_ s: Subscription, agentNames: [String], links: Links) -> TemplateDictionary {
        [
            "id": .int(s.id),
            "name": .text(s.name),
            "url": .text(s.url),
            "status_label": .text(s.status.label),
            "status_class": .text(s.status.rawValue),
            "disabled_reason": .text(s.disabledReason ?? ""),
            "event_count": .int(s.eventCount),
            "all_agents": .bool(agentNames.isEmpty),
            "agents_label": .text(agentNames.isEmpty ? "All Agents" : agentNames.joined(separator: ", ")),
            "secret_label": .text(s.hasSecret ? "Set" : "Not set"),
            "secret_set": .bool(s.hasSecret),
            "view_link": .text(links.subscription(s.id)),
            "edit_link": .text(links.edit(s.id)),
            "delete_link": .text(links.delete(s.id)),
            "test_link": .text(links.test(s.id)),
            "deliveries_link": .text(links.deliveries(s.id)),
        ]
    }

    /// The row values plus what the subscription's own pages add (events, scheme, times).
    static func subscription(_ s: Subscription, context: PageContext) throws -> TemplateDictionary {
        let agents = try context.store.catalog.agents()
        let names = s.agentUUIDs.map { uuid in agents.first { $0.uuid == uuid }?.name ?? uuid }.sorted()
        var values = subscriptionRow(s, agentNames: names, links: context.links)
        values["events"] = .list(s.eventTypes.map { .text($0) })
        values["event_count"] = .int(s.eventTypes.count)
        values["scheme"] = .text(s.signatureScheme.rawValue)
        values["created"] = .text(Timestamp.display(s.createdAt))
        values["updated"] = .text(Timestamp.display(s.updatedAt))
        values["secret_action"] = .text(context.links.secret(s.id))
        values["inventory_link"] = .text(context.links.inventory())
        return values
    }

    /// One delivery attempt as the log, the attempt page and the test-send result show it.
    static func attempt(_ a: DeliveryAttempt, links: Links) -> TemplateValue {
        [
            "id": .int(a.id),
            "at": .text(Timestamp.display(a.at)),
            "at_iso": .text(Timestamp.iso(a.at)),
            "event_type": .text(a.eventType),
            "event_id": .text(a.eventID),
            "attempt_number": .int(a.attempt),
            "is_test": .bool(a.isTest),
            "succeeded": .bool(a.succeeded),
            "outcome_label": .text(DeliveryWording.outcomeLabel(a.outcome, status: a.statusCode)),
            "outcome_class": .text(a.succeeded ? "ok" : "failed"),
            "status_code": .text(a.statusCode.map { String($0) } ?? "—"),
            "latency": .text(latency(a.latencyMilliseconds)),
            "message": .text(a.message),
            "url": .text(a.url),
            "headers": .list(a.requestHeaders.map { ["name": .text($0.name), "value": .text($0.value)] }),
            "body": .text(a.requestBody),
            "response": .text(a.responseExcerpt),
            "has_response": .bool(!a.responseExcerpt.isEmpty),
            "link": .text(links.attempt(a.subscriptionID, a.id)),
        ]
    }

    /// One audit entry: who did what to which subscription, with each changed field.
    static func auditEntry(_ entry: AuditEntry, links: Links) -> TemplateValue {
        [
            "at": .text(Timestamp.display(entry.at)),
            "at_iso": .text(Timestamp.iso(entry.at)),
            "actor": .text(entry.actor),
            "action": .text(entry.action.rawValue.replacing("_", with: " ")),
            "name": .text(entry.subscriptionName),
            "link": .text(entry.subscriptionID.map { links.subscription($0) } ?? ""),
            "deleted": .bool(entry.action == .delete),
            "changes": .list(
                entry.changes.entries.map { change in
                    [
                        "field": .text(change.field),
                        "old": .text(change.old ?? "—"),
                        "new": .text(change.new ?? "—"),
                    ]
                }),
        ]
    }

    /// The last 24 hours of a webhook in one line: "98 % of 52 delivered in 24 h", and when it
    /// last succeeded; `class` is ok / warning / failing for the colour.
    static func health(_ health: DeliveryHealth, now: Int) -> TemplateValue {
        let rate = health.successRate
        let label =
            rate.map { "\($0) % of \(health.attempts) delivered in 24 h" } ?? "No attempts in 24 h"
        let level = rate.map { $0 >= 99 ? "ok" : ($0 >= 80 ? "warning" : "failing") } ?? "idle"
        return [
            // A webhook that never had an attempt has no health to speak of yet.
            "shown": .bool(health.attempts > 0 || health.lastSuccessAt != nil),
            "label": .text(label),
            "class": .text(level),
            "last_success": .text(health.lastSuccessAt.map { "last success \(ago($0, now: now))" } ?? "never delivered"),
            "last_success_iso": .text(health.lastSuccessAt.map(Timestamp.iso) ?? ""),
        ]
    }

    /// `just now`, `5 min ago`, `3 h ago`, `2 days ago`.
    static func ago(_ time: Int, now: Int) -> String {
        let seconds = max(0, now - time)
        switch seconds {
        case ..<60: return "just now"
        case ..<3600: return "\(seconds / 60) min ago"
        case ..<(2 * 86400): return "\(seconds / 3600) h ago"
        default: return "\(seconds / 86400) days ago"
        }
    }

    /// A `<select>` option.
    static func option(_ value: String, _ label: String, _ selected: Bool) -> TemplateValue {
        ["value": .text(value), "label": .text(label), "selected": .bool(selected)]
    }

    /// `12 ms`, `1.4 s`.
    static func latency(_ ms: Double) -> String {
        if ms < 1000 { return "\(Int(ms.rounded())) ms" }
        let tenths = Int((ms / 100).rounded())
        return "\(tenths / 10).\(tenths % 10) s"
    }
}
