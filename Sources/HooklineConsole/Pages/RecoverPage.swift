import HooklineCGI
import HooklineStore

/// `GET/POST /<id>/recover` and `GET/POST /recover`: re-queue failed deliveries since a time the
/// admin picks, for one webhook or all. A GET shows the form; a POST of `since` shows how many
/// would go again and asks; a POST with `confirm=1` re-queues them (audited by the store).
enum RecoverPage {
    @Sendable static func one(_ context: PageContext, _ subscription: Subscription, _ parameters: RouteParameters) throws -> Response {
        try handle(context, subscription: subscription)
    }

    @Sendable static func all(_ context: PageContext) throws -> Response {
        try handle(context, subscription: nil)
    }

    static func handle(_ context: PageContext, subscription: Subscription?) throws -> Response {
        var values = try subscription.map { try PageValues.subscription($0, context: context) } ?? [:]
        let scope = subscription.map { "“\($0.name)”" } ?? "all webhooks"
        values["scope"] = .text(scope)
        values["action"] = .text(context.links.recover(subscription?.id))
        values["cancel_link"] = .text(subscription.map { context.links.deliveries($0.id) } ?? context.links.inventory())
        let title = "Recover failed deliveries · " + (subscription?.name ?? "all webhooks")
        guard context.request.method == .post else {
            values["since"] = .text(Timestamp.minute(context.now - 86400))
            values["asking"] = .bool(false)
            return try context.page("recover", title: title, values)
        }
        let form = context.request.form
        guard form.count("since") == 1, let text = form["since"], let since = Timestamp.parse(text) else {
            throw PageFailure.badRequest(
                "Pick the date and time (UTC) from which failed deliveries are sent again, like 2026-04-19T14:30.", title: "Bad date")
        }
        let log = try context.store.deliveries
        guard form["confirm"] == "1" else {
            let count = try log.failedCount(subscriptionID: subscription?.id, since: since)
            values["since"] = .text(Timestamp.minute(since))
            values["since_display"] = .text(Timestamp.display(since))
            values["asking"] = .bool(true)
            values["count"] = .int(count)
            values["deliveries"] = .text(count == 1 ? "1 failed delivery" : "\(count) failed deliveries")
            return try context.page("recover", title: title, values)
        }
        try log.recover(subscriptionID: subscription?.id, since: since, actor: context.actor, now: context.now)
        if let subscription {
            return .redirect(to: context.links.subscription(subscription.id, notice: .recovered))
        }
        return .redirect(to: context.links.inventory(FormData(pairs: [("notice", Notice.recovered.rawValue)])))
    }
}
