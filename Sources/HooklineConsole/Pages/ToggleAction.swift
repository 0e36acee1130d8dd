import HooklineCGI
import HooklineStore

/// `POST /<id>/active` with `active=1|0`: the inventory row's Activate/Deactivate button.
/// Deactivating holds the queued deliveries; activating with some held leads to ``HeldPage``.
enum ToggleAction {
    @Sendable static func handle(_ context: PageContext, _ subscription: Subscription, _ parameters: RouteParameters) throws -> Response {
        let form = context.request.form
        guard form.count("active") == 1, let value = form["active"], value == "1" || value == "0" else {
            throw PageFailure.badRequest("Send active=1 to activate or active=0 to deactivate.")
        }
        let version = try context.postedVersion(of: subscription, nothingWas: "changed")
        let store = try context.store.subscriptions
        do {
            try store.setActive(id: subscription.id, active: value == "1", expectedVersion: version, actor: context.actor, now: context.now)
        } catch {
            throw PageFailure.refused(
                error,
                conflict:
                    "“\(subscription.name)” was changed by someone else after this page loaded. Nothing was changed; reload the list and try again.",
                gone: "This webhook was deleted.")
        }
        // Re-activated with deliveries held meanwhile: ask what becomes of them.
        if value == "1", try context.store.deliveries.heldCount(subscriptionID: subscription.id) > 0 {
            return .redirect(to: context.links.held(subscription.id))
        }
        return .redirect(to: context.links.inventory(notice: value == "1" ? .activated : .deactivated, id: subscription.id))
    }
}
