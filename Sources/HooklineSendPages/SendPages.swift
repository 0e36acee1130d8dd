import HooklineCGI
import HooklineConsole
import HooklineDispatch
import HooklineStore

/// The pages that send webhooks: `GET/POST /<id>/test` and `POST /<id>/deliveries/<attempt>/resend`.
/// Only `hookline-send` links them (and with them libcurl).
public enum SendPages {
    /// The console's route table with the sending pages filled in.
    public static var routes: [Route] {
        Console.routes.map { route in
            switch route.pattern {
            case [":id", "test"]: Route(":id/test", methods: ["GET", "POST"], sendsDeliveries: true, handler: testSend)
            case [":id", "deliveries", ":attempt", "resend"]:
                Route(":id/deliveries/:attempt/resend", methods: ["POST"], sendsDeliveries: true, handler: resend)
            default: route
            }
        }
    }

    public static func main() {
        Console.main(routes: routes, canSend: true)
    }

    @Sendable static func testSend(_ context: PageContext, _ parameters: RouteParameters) throws -> Response {
        let subscription = try context.subscription(parameters.id)
        let catalog = try context.catalog
        let events = try catalog.eventTypes().filter { subscription.eventTypes.contains($0.name) }
        let db = try context.database()

        if context.request.method == "POST" {
            let form = context.request.form
            guard form.count("event") == 1, let name = form["event"], let event = events.first(where: { $0.name == name }) else {
                return try page(
                    context, subscription: subscription, events: events, selected: nil, result: nil, status: .unprocessable,
                    error: "Choose one of this webhook's event types to send.")
            }
            let result = try Dispatcher(db: db, config: context.config).sendTest(subscription: subscription, eventType: event, now: context.now)
            return .redirect(to: context.link("/\(subscription.id)/test", query: FormData(pairs: [("attempt", String(result.attemptID))])))
        }

        var result: DeliveryAttempt? = nil
        if let raw = context.request.query["attempt"] {
            guard let id = Int(raw), let attempt = try DeliveryLog(db).attempt(id: id, subscriptionID: subscription.id) else {
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
        var values = ConsoleValues.summary(subscription, context: context)
        values["action"] = .text(context.link("/\(subscription.id)/test"))
        values["event_options"] = .list(events.enumerated().map { index, event in
            [
                "value": .text(event.name), "label": .text(event.name), "description": .text(event.description),
                "selected": .bool(selected.map { $0 == event.name } ?? (index == 0)),
            ]
        })
        values["has_events"] = .bool(!events.isEmpty)
        values["inactive"] = .bool(!subscription.active || subscription.disabledReason != nil)
        values["error_event"] = .text(error ?? "")
        values["has_result"] = .bool(result != nil)
        if let result {
            values["attempt"] = ConsoleValues.attempt(result, context: context)
            values["attempt_link"] = .text(context.link("/\(subscription.id)/deliveries/\(result.id)"))
        }
        return try context.page("test_send", title: "Send a test event · \(subscription.name)", status: status, values)
    }

    @Sendable static func resend(_ context: PageContext, _ parameters: RouteParameters) throws -> Response {
        let subscription = try context.subscription(parameters.id)
        let db = try context.database()
        let log = DeliveryLog(db)
        guard let attemptID = parameters["attempt"], let attempt = try log.attempt(id: attemptID, subscriptionID: subscription.id),
            let delivery = try log.delivery(id: attempt.deliveryID)
        else {
            throw PageFailure.notFound("There is no delivery attempt \(parameters["attempt"] ?? 0) for this webhook.")
        }
        let result = try Dispatcher(db: db, config: context.config).resend(delivery, subscription: subscription, now: context.now)
        return .redirect(
            to: context.link("/\(subscription.id)/deliveries/\(result.attemptID)", query: FormData(pairs: [("resent", "1")])))
    }
}
