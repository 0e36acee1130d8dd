import HooklineCore
import HooklineDelivery
import HooklineSigning
import HooklineStore

#if canImport(Glibc)
    import Glibc
#endif

/// Signs, sends and records deliveries: the one path shared by test sends, resends and the worker.
public final class Dispatcher {
    let store: Store
    let config: Configuration
    let client: DeliveryClient
    let schedule = RetrySchedule()
    /// Unix seconds now; the worker's clock for signing timestamps and scheduling.
    let clock: () -> Int
    /// A value in 0..<1 for the retry ladder's ±20 % jitter.
    let random: () -> Double

    /// A dispatcher over `store`. `clock` and `random` default to the system clock and the
    /// standard generator; tests pass their own to control time and jitter.
    public init(
        store: Store, config: Configuration, clock: @escaping () -> Int = { Timestamp.now() },
        random: @escaping () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.store = store
        self.config = config
        self.clock = clock
        self.random = random
        client = DeliveryClient(
            policy: DeliveryPolicy(
                connectTimeout: config.connectTimeout, totalTimeout: config.timeout, caBundle: config.caBundle,
                allowHTTP: config.allowHTTP, allowedPrivateRanges: config.allowedPrivateTargets, userAgent: Hookline.userAgent,
                responseCap: 4096))
    }

    /// A dispatcher over the SQLite store on `db`, with the system clock.
    public convenience init(db: Database, config: Configuration) {
        self.init(store: Store(db), config: config)
    }

    /// The result of one attempt, for pages to show.
    public struct Result: Sendable {
        public let attemptID: Int
        public let deliveryID: Int
        public let request: OutgoingRequest
        public let outcome: DeliveryOutcome
    }

    /// Sends a test event of `eventType` to `subscription` right away (active or not) and records it.
    public func sendTest(subscription: Subscription, eventType: EventType, now: Int) throws -> Result {
        let catalog = store.catalog
        let agents = try catalog.agents()
        let agent = subscription.agentUUIDs.compactMap { uuid in agents.first { $0.uuid == uuid } }.first ?? agents.first
        let eventID = Identifier.uuid()
        let body = Envelope.build(
            eventID: eventID, eventType: eventType.name, createdMicroseconds: Timestamp.nowMicroseconds(),
            organization: try catalog.organization(), data: Envelope.sampleData(for: eventType, agent: agent))
        let log = store.deliveries
        let deliveryID = try log.createDelivery(
            subscriptionID: subscription.id, eventID: eventID, eventType: eventType.name, body: body, isTest: true, due: nil, now: now)
        guard let delivery = try log.delivery(id: deliveryID) else {
            throw StoreError("the test delivery \(deliveryID) vanished right after it was created; try again")
        }
        return try attempt(delivery, subscription: subscription, retry: false, now: now)
    }

    /// Sends a delivery again now: same event id and body, new timestamp and signature.
    public func resend(_ delivery: Delivery, subscription: Subscription, now: Int) throws -> Result {
        try attempt(delivery, subscription: subscription, retry: false, now: now)
    }

    /// One signed attempt, recorded. With `retry` (the worker), a failure schedules the next
    /// attempt on the ladder, 410 Gone disables the subscription, and so does failing for five
    /// days; only then does the attempt count towards the subscription's failing streak.
    @discardableResult
    public func attempt(_ delivery: Delivery, subscription: Subscription, retry: Bool, now: Int) throws -> Result {
        let request = sign(delivery, subscription: subscription)
        let outcome = client.send(request)
        return try record(outcome, of: request, delivery: delivery, subscription: subscription, retry: retry, now: now)
    }

    /// Attempts every due delivery once, all at the same time (one hanging receiver holds up no
    /// other), and records each as ``attempt(_:subscription:retry:now:)`` does. Deliveries of
    /// inactive or disabled subscriptions are cancelled instead. Returns how many attempts were made.
    public func runDue(now: Int, limit: Int = 100) throws -> Int {
        let log = store.deliveries
        let subscriptions = store.subscriptions
        var batch: [(delivery: Delivery, subscription: Subscription, request: OutgoingRequest, now: Int)] = []
        for delivery in try log.due(now: now, limit: limit) {
            guard let subscription = try subscriptions.find(id: delivery.subscriptionID) else { continue }
            guard subscription.active, subscription.disabledReason == nil else {
                try log.cancel(deliveryID: delivery.id)
                continue
            }
            batch.append((delivery, subscription, sign(delivery, subscription: subscription), clock()))
        }
        let outcomes = client.sendAll(batch.map(\.request))
        for (item, outcome) in zip(batch, outcomes) {
            // Re-read: an earlier record in this batch may have changed its failing streak, and a
            // subscription deleted meanwhile took its deliveries with it (nothing to record).
            guard let subscription = try subscriptions.find(id: item.subscription.id) else { continue }
            _ = try record(outcome, of: item.request, delivery: item.delivery, subscription: subscription, retry: true, now: item.now)
        }
        return batch.count
    }

    /// The signed request for one attempt of `delivery`: same event id and body, a fresh
    /// timestamp and signature.
    private func sign(_ delivery: Delivery, subscription: Subscription) -> OutgoingRequest {
        let timestamp = clock()
        let body = Array(delivery.body.utf8)
        let headers = WebhookHeaders.build(
            scheme: subscription.signatureScheme, secrets: subscription.signingSecrets(now: timestamp), eventID: delivery.eventID,
            eventType: delivery.eventType, timestamp: timestamp, body: body)
        return OutgoingRequest(url: subscription.url, headers: headers, body: body)
    }

    /// Stores one attempt's request and outcome; with `retry`, schedules the next attempt or
    /// disables the subscription (410 Gone, five days of failures).
    private func record(
        _ outcome: DeliveryOutcome, of request: OutgoingRequest, delivery: Delivery, subscription: Subscription, retry: Bool,
        now: Int
    ) throws -> Result {
        let sentHeaders =
            [("Content-Type", "application/json"), ("User-Agent", Hookline.userAgent)] + request.headers.map { ($0.name, $0.value) }
        let record = AttemptRecord(
            url: request.url, requestHeaders: sentHeaders.map { (name: $0.0, value: $0.1) }, requestBody: delivery.body,
            statusCode: outcome.statusCode, latencyMilliseconds: outcome.latencyMilliseconds,
            outcome: AttemptOutcome(outcome.failure), message: outcome.failure?.message ?? "",
            responseExcerpt: outcome.responseExcerpt)

        let log = store.deliveries
        var nextAttempt: Int? = nil
        var disableReason: String? = nil
        if retry, let failure = outcome.failure {
            if outcome.statusCode == 410 {
                disableReason = "the receiver answered 410 Gone on \(Timestamp.display(now))"
            } else if let since = subscription.failingSince, now - since >= RetrySchedule.disableAfter {
                disableReason = "deliveries failed continuously for 5 days (last: \(failure.message))"
            } else if let delay = schedule.delay(
                afterFailures: delivery.attempts + 1, retryAfter: outcome.retryAfter, statusCode: outcome.statusCode,
                random: random)
            {
                nextAttempt = now + delay
            }
        }
        let attemptID = try log.record(
            record, deliveryID: delivery.id, subscriptionID: subscription.id, nextAttemptAt: nextAttempt,
            giveUp: nextAttempt == nil, updatesFailingClock: retry, now: now)
        if let disableReason {
            try log.disable(subscriptionID: subscription.id, reason: disableReason, now: now)
        }
        return Result(attemptID: attemptID, deliveryID: delivery.id, request: request, outcome: outcome)
    }
}
