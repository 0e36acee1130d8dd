import HooklineCGI
import HooklineStore

/// Sends webhooks for the API's sending endpoints. The API module links no libcurl:
/// `hookline-send` passes an implementation (the same `DispatchSender` the console's test send
/// and resend use) to ``API/respond(to:sender:)``, and the dispatcher gives it only to routes
/// marked `sends`.
public protocol APISender: Sendable {
    /// Sends a sample event of `eventType` to `subscription` now, records the attempt and
    /// returns its id. At most `max_concurrent_test_sends` at once: beyond that a 503 ``Problem``.
    func sendTest(_ eventType: EventType, to subscription: Subscription, store: Store, config: Configuration, now: Int) throws -> Int
    /// Sends `delivery` again now (same event id and body, new timestamp and signature),
    /// records the attempt and returns its id; bounded like ``sendTest(_:to:store:config:now:)``.
    func resend(_ delivery: Delivery, to subscription: Subscription, store: Store, config: Configuration, now: Int) throws -> Int
}

extension Problem {
    /// Every send slot is taken (`max_concurrent_test_sends`): 503 with `Retry-After`.
    public static func busySending(slots: Int) -> Problem {
        var problem = Problem(
            .serviceUnavailable, "busy", "Busy sending",
            "\(slots == 1 ? "A test send or resend is" : "\(slots) test sends or resends are") already running, the most Hookline allows at once. Nothing was sent; try again in a few seconds."
        )
        problem.headers = [("Retry-After", "5")]
        return problem
    }
}

/// `POST /subscriptions/{id}/test` and `POST /subscriptions/{id}/deliveries/{n}/resend`: send now
/// (in `hookline-send`, through the dispatcher) and answer the recorded attempt — its request
/// headers, status, latency and outcome; never the secret.
enum SendingEndpoint {
    @Sendable static func test(_ context: APIContext, _ parameters: [Int]) throws -> Response {
        let subscription = try SubscriptionsEndpoint.load(context, parameters[0])
        var body = try JSONBody(context.request, allowed: ["event_type"])
        let name = body.string("event_type")
        if !body.has("event_type") { body.fail("event_type", "Required: one of this subscription's event types.") }
        var eventType: EventType? = nil
        if let name, body.errors["event_type"] == nil {
            if subscription.eventTypes.contains(name), let type = try context.store.catalog.eventType(named: name) {
                eventType = type
            } else {
                body.fail(
                    "event_type", "Not one of this subscription's event types (\(subscription.eventTypes.joined(separator: ", "))).")
            }
        }
        guard body.errors.isEmpty, let eventType else { throw Problem.invalid(body.errors, detail: "Nothing was sent.") }
        let attemptID = try context.webhookSender().sendTest(
            eventType, to: subscription, store: context.store, config: context.config, now: context.now)
        return try answer(context, subscription: subscription, attemptID: attemptID)
    }

    @Sendable static func resend(_ context: APIContext, _ parameters: [Int]) throws -> Response {
        let subscription = try SubscriptionsEndpoint.load(context, parameters[0])
        guard let attempt = try context.store.deliveries.attempt(id: parameters[1], subscriptionID: subscription.id) else {
            throw Problem.notFound("Subscription \(subscription.id) has no delivery attempt \(parameters[1]).")
        }
        guard let delivery = try context.store.deliveries.delivery(id: attempt.deliveryID) else {
            throw Problem.notFound("The delivery of attempt \(attempt.id) no longer exists.")
        }
        let attemptID = try context.webhookSender().resend(
            delivery, to: subscription, store: context.store, config: context.config, now: context.now)
        return try answer(context, subscription: subscription, attemptID: attemptID)
    }

    /// `200` with the new attempt, as `GET …/deliveries` lists it (whatever the receiver answered).
    static func answer(_ context: APIContext, subscription: Subscription, attemptID: Int) throws -> Response {
        guard let attempt = try context.store.deliveries.attempt(id: attemptID, subscriptionID: subscription.id) else {
            throw Problem.internalError("attempt \(attemptID) was recorded but cannot be read back")
        }
        return .json(SubscriptionsEndpoint.json(attempt))
    }
}
