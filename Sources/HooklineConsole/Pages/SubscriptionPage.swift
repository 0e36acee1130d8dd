import HooklineCGI
import HooklineStore
import HooklineTemplates

/// `GET /<id>`: what was saved, and — once, right after create or regenerate — the secret.
enum SubscriptionPage {
    @Sendable static func show(_ context: PageContext, _ parameters: RouteParameters) throws -> Response {
        let subscription = try context.subscription(parameters.id)
        let query = context.request.query
        let store = try context.subscriptions
        var values = summary(subscription, context: context)

        var revealed: String? = nil
        var revealGone = false
        if let token = query["reveal"] {
            revealed = try store.consumeReveal(token: token, subscriptionID: subscription.id, now: context.now)
            revealGone = revealed == nil
        }
        values["revealed_secret"] = .text(revealed ?? "")
        values["reveal_gone"] = .bool(revealGone)
        values["grace_until"] = .text(SubscriptionFormPage.graceText(subscription, now: context.now))

        let entries = try AuditLog(try context.database()).recent(limit: 20, subscriptionID: subscription.id)
        values["audit"] = .list(entries.map { AuditPage.entryValue($0, context: context) })

        var notice: String? = nil
        if query["created"] != nil { notice = "Webhook “\(subscription.name)” created." }
        if query["saved"] != nil { notice = "Changes to “\(subscription.name)” saved." }
        if query["secret"] == "regenerated" { notice = "A new signing secret was generated." }
        if query["secret"] == "removed" { notice = "The signing secret was removed. Deliveries are no longer signed." }
        return try context.page("subscription", title: subscription.name, notice: notice, values)
    }

    /// The values every page about one subscription shows (name, URL, status, scope, links).
    static func summary(_ s: Subscription, context: PageContext) -> [String: TemplateValue] {
        let agents = (try? context.catalog.agents()) ?? []
        let names = s.agentUUIDs.map { uuid in agents.first { $0.uuid == uuid }?.name ?? uuid }.sorted()
        var values = common(s, agentNames: names, context: context)
        values["events"] = .list(s.eventTypes.map { .text($0) })
        values["event_count"] = .int(s.eventTypes.count)
        values["scheme"] = .text(s.signatureScheme.rawValue)
        values["created"] = .text(Timestamp.display(s.createdAt))
        values["updated"] = .text(Timestamp.display(s.updatedAt))
        values["secret_action"] = .text(context.link("/\(s.id)/secret"))
        values["inventory_link"] = .text(context.link(""))
        return values
    }

    /// What the inventory row and the subscription pages both show: identity, status, scope, secret, links.
    static func common(_ s: Subscription, agentNames: [String], context: PageContext) -> [String: TemplateValue] {
        let base = "/\(s.id)"
        return [
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
            "view_link": .text(context.link(base)),
            "edit_link": .text(context.link(base + "/edit")),
            "delete_link": .text(context.link(base + "/delete")),
            "test_link": .text(context.link(base + "/test")),
            "deliveries_link": .text(context.link(base + "/deliveries")),
        ]
    }
}
