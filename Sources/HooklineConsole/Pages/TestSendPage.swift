import HooklineCGI
import HooklineStore
import HooklineTemplates

/// `GET /<id>/test` picks an event type; `POST /<id>/test` sends it now (in `hookline-send`)
/// and redirects to `GET /<id>/test?attempt=<n>`, which shows the request and the answer.
enum TestSendPage {
    @Sendable static func handle(_ context: PageContext, _ subscription: Subscription, _ parameters: RouteParameters) throws -> Response {
        let events = try context.store.catalog.eventTypes().filter { subscription.eventTypes.contains($0.name) }

        if context.request.method == .post {
            let form = context.request.form
            guard form.count("event") == 1, let name = form["event"], let event = events.first(where: { $0.name == name }) else {
                return try page(
                    context, subscription: subscription, events: events, selected: nil, result: nil, status: .unprocessable,
                    error: "Choose one of this webhook's event types to send.")
            }
            let attemptID = try context.webhookSender().sendTest(event, to: subscription, context: context)
            return .redirect(to: context.links.test(subscription.id, attempt: attemptID))
        }

        var result: DeliveryAttempt? = nil
        if let raw = context.request.query["attempt"] {
            guard let id = Int(raw), let attempt = try context.store.deliveries.attempt(id: id, subscriptionID: subscription.id) else {
                throw PageFailure.notFound("There is no test delivery \(raw.prefix(20)) for this webhook.")
            }
            result = attempt
        }
        return try page(context, subscription: subscription, events: events, selected: result?.eventType, result: result)
    }

    static func page(
        _ context: PageContext, subscription: Subscription, events: [EventType], selected: String?, result: DeliveryAttempt?,
        status: HTTPStatus = .ok, error: String? = nil
    ) throws -> Response {
        var values = try PageValues.subscription(subscription, context: context)
        values["action"] = .text(context.links.test(subscription.id))
        values["event_options"] = .list(
            events.enumerated().map { index, event in
                [
                    "value": .text(event.name), "label": .text(event.name), "description": .text(event.description),
                    "selected": .bool(selected.map { $0 == event.name } ?? (index == 0)),
                ]
            })
        values["has_events"] = .bool(!events.isEmpty)
        values["inactive"] = .bool(subscription.status != .active)
        values["error_event"] = .text(error ?? "")
        values["has_result"] = .bool(result != nil)
        if let result {
            values["attempt"] = PageValues.attempt(result, links: context.links)
            values["attempt_link"] = .text(context.links.attempt(subscription.id, result.id))
        }
        return try context.page("test_send", title: "Send a test event · \(subscription.name)", status: status, values)
    }
}
