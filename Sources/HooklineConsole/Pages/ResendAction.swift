import HooklineCGI
import HooklineStore

/// `POST /<id>/deliveries/<attempt>/resend`: sends that attempt's delivery again now (in
/// `hookline-send`) and shows the new attempt.
enum ResendAction {
    @Sendable static func handle(_ context: PageContext, _ subscription: Subscription, _ parameters: RouteParameters) throws -> Response {
        let attempt = try DeliveriesPage.loadAttempt(context, subscription, parameters)
        guard let delivery = try context.store.deliveries.delivery(id: attempt.deliveryID) else {
            throw PageFailure.notFound("The delivery of attempt \(attempt.id) no longer exists.")
        }
        let attemptID = try context.webhookSender().resend(delivery, to: subscription, context: context)
        return .redirect(to: context.links.attempt(subscription.id, attemptID, notice: .resent))
    }
}
