import HooklineCGI
import HooklineStore
import HooklineTemplates

/// `GET /<id>`: what was saved, and — once, right after create or regenerate — the secret.
enum SubscriptionPage {
    @Sendable static func show(_ context: PageContext, _ subscription: Subscription, _ parameters: RouteParameters) throws -> Response {
        let query = context.request.query
        var values = try PageValues.subscription(subscription, context: context)

        var revealed: String? = nil
        var revealGone = false
        // Only a GET from the browser that made the change consumes the one-time reveal: a HEAD
        // (link previews, scanners) or another browser holding the link cannot burn it.
        if let token = query["reveal"], context.request.method == .get {
            revealed = try context.store.subscriptions.consumeReveal(
                token: token, binding: context.revealBinding, subscriptionID: subscription.id, now: context.now)
            revealGone = revealed == nil
        }
        values["revealed_secret"] = .text(revealed ?? "")
        values["reveal_gone"] = .bool(revealGone)
        values["grace_until"] = .text(SubscriptionFormPage.graceText(subscription, now: context.now))

        let entries = try context.store.audit.recent(limit: 20, subscriptionID: subscription.id)
        values["audit"] = .list(entries.map { PageValues.auditEntry($0, links: context.links) })

        let notice = Notice(query: query).map { $0.text(name: subscription.name) }
        return try context.page("subscription", title: subscription.name, notice: notice, values)
    }
}
