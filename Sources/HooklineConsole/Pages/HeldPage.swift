import HooklineCGI
import HooklineStore

/// `GET /<id>/held` asks what becomes of the deliveries held while the webhook was off;
/// `POST /<id>/held` with `choice=deliver` (back to pending, due now) or `choice=discard`
/// (cancelled). Both are audited by the store. With nothing held there is no question.
enum HeldPage {
    @Sendable static func handle(_ context: PageContext, _ subscription: Subscription, _ parameters: RouteParameters) throws -> Response {
        let log = try context.store.deliveries
        guard context.request.method == .post else {
            let count = try log.heldCount(subscriptionID: subscription.id)
            guard count > 0 else { return .redirect(to: context.links.subscription(subscription.id)) }
            var values = try PageValues.subscription(subscription, context: context)
            values["count"] = .int(count)
            values["events"] = .text(count == 1 ? "1 held event" : "\(count) held events")
            values["action"] = .text(context.links.held(subscription.id))
            values["is_off"] = .bool(subscription.status != .active)
            values["later_link"] = .text(context.links.subscription(subscription.id))
            return try context.page("held", title: "Held events · \(subscription.name)", values)
        }
        let form = context.request.form
        guard form.count("choice") == 1, let choice = form["choice"], choice == "deliver" || choice == "discard" else {
            throw PageFailure.badRequest("Choose to deliver the held events (choice=deliver) or to discard them (choice=discard).")
        }
        if choice == "deliver" {
            try log.deliverHeld(subscriptionID: subscription.id, actor: context.actor, now: context.now)
        } else {
            try log.discardHeld(subscriptionID: subscription.id, actor: context.actor, now: context.now)
        }
        return .redirect(to: context.links.subscription(subscription.id, notice: choice == "deliver" ? .heldDelivered : .heldDiscarded))
    }
}
