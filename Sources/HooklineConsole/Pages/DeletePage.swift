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
        let version = context.request.form["version"].flatMap(Int.init)
        let store = try context.store.subscriptions
        do {
            try store.delete(id: subscription.id, expectedVersion: version, actor: context.actor, now: context.now)
        } catch .conflict {
            throw PageFailure(
                status: .conflict, title: "Changed meanwhile",
                message:
                    "“\(subscription.name)” was changed after you opened the confirmation. Nothing was deleted; open it again to review the current settings."
            )
        } catch .notFound {
            throw PageFailure.notFound("This webhook was already deleted.")
        } catch .failed(let message) {
            throw PageFailure(status: .internalError, message: message)
        }
        return .redirect(to: context.links.inventory(notice: .deleted, id: subscription.id))
    }
}
