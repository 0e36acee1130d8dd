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
        let version = try context.postedVersion(of: subscription, nothingWas: "deleted")
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
