import HooklineCGI
import HooklineStore

/// `GET /<id>/delete` asks, `POST /<id>/delete` deletes.
enum DeletePage {
    @Sendable static func handle(_ context: PageContext, _ subscription: Subscription, _ parameters: RouteParameters) throws -> Response {
        guard context.request.method == .post else {
            var values = try PageValues.subscription(subscription, context: context)
            values["action"] = .text(context.links.delete(subscription.id))
            values["version"] = .int(subscription.version)
            values["cancel_link"] = .text(context.links.subscription(subscription.id))
            return try context.page("delete", title: "Delete “\(subscription.name)”?", values)
        }
        // Every change names the version it was made on, so a stale page cannot overwrite.
        guard context.request.form.count("version") == 1, let version = context.request.form["version"].flatMap(Int.init) else {
            throw PageFailure(
                status: .conflict, title: "Reload and try again",
                message:
                    "This form did not say which version of “\(subscription.name)” it was made for. Nothing was deleted; reload the page and try again."
            )
        }
        let store = try context.store.subscriptions
        do {
            try store.delete(id: subscription.id, expectedVersion: version, actor: context.actor, now: context.now)
        } catch {
            throw PageFailure.refused(
                error,
                conflict:
                    "“\(subscription.name)” was changed after you opened the confirmation. Nothing was deleted; open it again to review the current settings.",
                gone: "This webhook was already deleted.")
        }
        return .redirect(to: context.links.inventory(notice: .deleted, id: subscription.id))
    }
}
