import HooklineCGI
import HooklineStore

/// `POST /<id>/active` with `active=1|0`: the inventory row's Activate/Deactivate button.
enum ToggleAction {
    @Sendable static func handle(_ context: PageContext, _ subscription: Subscription, _ parameters: RouteParameters) throws -> Response {
        let form = context.request.form
        guard form.count("active") == 1, let value = form["active"], value == "1" || value == "0" else {
            throw PageFailure.badRequest("Send active=1 to activate or active=0 to deactivate.")
        }
        let version = form["version"].flatMap(Int.init)
        let store = try context.store.subscriptions
        do {
            try store.setActive(
                id: subscription.id, active: value == "1", expectedVersion: version, actor: context.actor, now: context.now)
        } catch .conflict {
            throw PageFailure(
                status: .conflict, title: "Changed meanwhile",
                message:
                    "“\(subscription.name)” was changed by someone else after this page loaded. Nothing was changed; reload the list and try again."
            )
        } catch .notFound {
            throw PageFailure.notFound("This webhook was deleted.")
        } catch .failed(let message) {
            throw PageFailure(status: .internalError, message: message)
        }
        return .redirect(to: context.links.inventory(notice: value == "1" ? .activated : .deactivated, id: subscription.id))
    }
}
