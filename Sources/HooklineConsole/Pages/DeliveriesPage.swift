import HooklineCGI
import HooklineStore
import HooklineTemplates

/// `GET /<id>/deliveries` (the log, newest first) and `GET /<id>/deliveries/<attempt>` (one attempt in full).
enum DeliveriesPage {
    @Sendable static func list(_ context: PageContext, _ subscription: Subscription, _ parameters: RouteParameters) throws -> Response {
        let pageText = context.request.query["page"] ?? "1"
        guard let page = Int(pageText), page >= 1, page <= 1_000_000 else {
            throw PageFailure.badRequest("The page must be a number from 1 upwards.", title: "Bad page")
        }
        let log = try context.store.deliveries
        let (attempts, hasNext) = try log.attempts(subscriptionID: subscription.id, page: page, pageSize: 50)
        var values = try PageValues.subscription(subscription, context: context)
        values["attempts"] = .list(attempts.map { PageValues.attempt($0, links: context.links) })
        values["page"] = .int(page)
        values["has_previous"] = .bool(page > 1)
        values["has_next"] = .bool(hasNext)
        values["previous_link"] = .text(context.links.deliveries(subscription.id, page: page - 1))
        values["next_link"] = .text(context.links.deliveries(subscription.id, page: page + 1))
        values["action"] = .text(context.links.recover(subscription.id))
        values["since"] = .text(Timestamp.minute(context.now - 86400))
        return try context.page("deliveries", title: "Deliveries · \(subscription.name)", values)
    }

    @Sendable static func detail(_ context: PageContext, _ subscription: Subscription, _ parameters: RouteParameters) throws -> Response {
        let attempt = try loadAttempt(context, subscription, parameters)
        var values = try PageValues.subscription(subscription, context: context)
        values["attempt"] = PageValues.attempt(attempt, links: context.links)
        values["resend_action"] = .text(context.links.resend(subscription.id, attempt.id))
        values["log_link"] = .text(context.links.deliveries(subscription.id))
        let notice = Notice(query: context.request.query).map { $0.text(name: subscription.name) }
        return try context.page("delivery", title: "Delivery attempt · \(subscription.name)", notice: notice, values)
    }

    /// The attempt named by `:attempt`, if it belongs to `subscription`; else a 404 page.
    static func loadAttempt(_ context: PageContext, _ subscription: Subscription, _ parameters: RouteParameters) throws -> DeliveryAttempt {
        let attemptID = parameters["attempt"] ?? 0
        guard let attempt = try context.store.deliveries.attempt(id: attemptID, subscriptionID: subscription.id) else {
            throw PageFailure.notFound("There is no delivery attempt \(attemptID) for this webhook.")
        }
        return attempt
    }
}
