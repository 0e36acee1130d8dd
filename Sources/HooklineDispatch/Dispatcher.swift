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
    /// Operator notifications (failing, disabled); only the worker's attempts trigger them.
    public let notifier: OperatorNotifier

    /// A dispatcher over `store`. `clock` and `random` default to the system clock and the
    /// standard generator; tests pass their own to control time and jitter.
    /// `log` receives the worker's problems that are not errors of a round (a failed operator
    /// notification); it defaults to stderr.
    public init(
        store: Store, config: Configuration, clock: @escaping () -> Int = { Timestamp.now() },
        random: @escaping () -> Double = { Double.random(in: 0..<1) }, log: @escaping (String) -> Void = Dispatcher.standardError
    ) {
        self.store = store
        self.config = config
        self.clock = clock
        self.random = random
        let client = DeliveryClient(
            policy: DeliveryPolicy(
                connectTimeout: config.connectTimeout, totalTimeout: config.timeout, caBundle: config.caBundle,
                allowHTTP: config.allowHTTP, allowedPrivateRanges: config.allowedPrivateTargets, userAgent: Hookline.userAgent,
                responseCap: 4096))
        self.client = client
        notifier = OperatorNotifier(config: config, client: client, clock: clock, log: log)
    }

    /// Writes `line` and a newline to stderr.
    public static func standardError(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
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
        let attemptID = try record(outcome, of: request, delivery: delivery, subscription: subscription, retry: retry, claim: nil, now: now)
        // Without a claim the record is unconditional, so there is always an attempt id.
        return Result(attemptID: attemptID ?? 0, deliveryID: delivery.id, request: request, outcome: outcome)
    }

    /// The shortest lease that outlasts one attempt: connect timeout + total timeout, rounded up,
    /// plus one second. `hookline deliver --lease` refuses anything shorter.
    public static func minimumLease(for config: Configuration) -> Int {
        Int((config.connectTimeout + config.timeout).rounded(.up)) + 1
    }

    /// The worker's lease on what it claims: the longest attempt plus 30 s for signing, waiting
    /// for a connection (see ``runDue(now:limit:lease:batches:)``) and recording.
    public static func defaultLease(for config: Configuration) -> Int {
        minimumLease(for: config) + 30
    }

    /// How many attempts run at once to one receiver (scheme, host and port): the kept-alive
    /// connections a burst of deliveries to it shares, like `curl --parallel`. A delivery that
    /// has waited ``connectionWait`` for one of them starts on a connection of its own.
    public static let connectionsPerReceiver = 16

    /// Seconds a delivery waits for one of its receiver's ``connectionsPerReceiver``: a fast
    /// receiver frees one in milliseconds; a slow or hanging one does not hold the rest back.
    public static let connectionWait = 0.5

    /// How many ended attempts the worker records together (one transaction on SQLite) while
    /// others are still being sent; fewer when sending pauses.
    static let recordingChunk = 32

    /// Claims due deliveries for `lease` seconds (default ``defaultLease(for:)``), up to `batches`
    /// times and never more than `limit` in flight, attempts them, and records each as
    /// ``attempt(_:subscription:retry:now:)`` does — only while this worker's claim still holds
    /// it, which also releases it. Deliveries of inactive or disabled subscriptions are held
    /// instead (neither sent nor dropped). Any number of workers may call this at once: each
    /// delivery goes to one of them; a worker that dies leaves its claims to expire and be taken
    /// by another. Returns how many attempts were made.
    ///
    /// Up to `limit` attempts run at once (one hanging receiver holds up no other), to one
    /// receiver on ``connectionsPerReceiver`` connections unless a delivery has waited
    /// ``connectionWait`` for one. Only as many are claimed as there are free places, so every
    /// claimed delivery starts within about that wait; the next ones are claimed as soon as the
    /// previous ones have all started, and ended attempts are recorded while others are still on
    /// their way, so the receivers are not left waiting for the database. Should a delivery still
    /// wait so long that its attempt could outlast the lease, it is released unattempted, due
    /// again at once: no attempt ever runs past its claim.
    public func runDue(now: Int, limit: Int = 100, lease: Int? = nil, batches: Int = 1) throws -> Int {
        let lease = lease ?? Self.defaultLease(for: config)
        // A delivery may start up to `lease - minimumLease` seconds after its claim (at least 1 s,
        // for the first ones to start at all): its attempt, never longer than `timeout`, then
        // ends with the connect timeout and more to spare for recording it under the claim.
        let round = WorkerRound(
            client: client,
            limits: DeliveryClient.Limits(total: limit, perReceiver: Self.connectionsPerReceiver, perReceiverWait: Self.connectionWait),
            startWithin: max(Double(lease - Self.minimumLease(for: config)), 1))
        var claimsLeft = max(batches, 1)
        var claimTime = now
        var made = 0
        do {
            while true {
                // Claim again once everything claimed has started and a quarter of the places are free.
                let free = round.limits.total - client.runningCount
                if claimsLeft > 0, client.waitingCount == 0, free > 0, free * 4 >= round.limits.total {
                    let more = try claimAndSign(now: claimTime, limit: free, lease: lease, then: round.send)
                    claimsLeft = more ? claimsLeft - 1 : 0
                    claimTime = clock()
                }
                guard !round.isDone else { break }
                let progressed = round.awaitProgress()
                try release(round.takeUnsent())
                // Record in chunks, and whenever sending is done or pauses.
                if round.ended.count >= Self.recordingChunk || (!round.ended.isEmpty && (!progressed || !round.isSending)) {
                    let chunk = round.takeEnded()
                    try recordAll(chunk, between: round.keepSending)
                    made += chunk.count
                }
            }
        } catch {
            // What was not recorded stays claimed until the lease ends and is then sent again
            // (at least once); what has not started yet is not started any more.
            client.cancelWaiting()
            throw error
        }
        return made
    }

    /// Claims up to `limit` due deliveries, signs each and hands it to `then`, reading each
    /// subscription once; deliveries of inactive or disabled subscriptions are held. Returns
    /// false when fewer than `limit` were due.
    private func claimAndSign(now: Int, limit: Int, lease: Int, then send: (ClaimedAttempt) -> Void) throws -> Bool {
        let log = store.deliveries
        let claim = try log.claimDue(now: now, lease: lease, limit: limit)
        var subscriptions: [Int: Subscription?] = [:]
        for delivery in claim.deliveries {
            let id = delivery.subscriptionID
            if subscriptions[id] == nil { subscriptions[id] = try store.subscriptions.find(id: id) }
            guard let subscription = subscriptions[id] ?? nil else { continue }
            guard subscription.active, subscription.disabledReason == nil else {
                try log.hold(deliveryID: delivery.id)
                continue
            }
            let request = sign(delivery, subscription: subscription)
            send(ClaimedAttempt(delivery: delivery, subscriptionID: id, request: request, claim: claim.token, now: clock()))
        }
        return claim.deliveries.count >= limit
    }

    /// Gives back claimed deliveries that did not start in time, for the next round or another worker.
    private func release(_ unsent: [ClaimedAttempt]) throws {
        for (claim, attempts) in Dictionary(grouping: unsent, by: \.claim) {
            try store.deliveries.release(claim: claim, deliveryIDs: attempts.map(\.delivery.id))
        }
    }

    /// Records `ended` (one transaction on SQLite: one commit instead of one per attempt), each
    /// only while its claim holds it. Should it fail, none is recorded: the deliveries stay
    /// claimed until the lease ends and are then sent again (at least once). Operator
    /// notifications go out after the commit.
    ///
    /// `between` runs after each record: the worker keeps its transfers moving meanwhile (without
    /// waiting for the network), so the receivers are not left idle for the length of a commit.
    private func recordAll(_ ended: [(attempt: ClaimedAttempt, outcome: DeliveryOutcome)], between: () -> Void) throws {
        var disabled: [Disabling] = []
        try store.inOneTransaction {
            // Each subscription is read here, once, and again after an attempt that may have
            // changed its failing streak (a failure, or a success that ends one). A subscription
            // deleted meanwhile took its deliveries with it (nothing to record).
            var current: [Int: Subscription?] = [:]
            for (attempt, outcome) in ended {
                let id = attempt.subscriptionID
                if current[id] == nil { current[id] = try store.subscriptions.find(id: id) }
                guard let subscription = current[id] ?? nil else { continue }
                _ = try record(
                    outcome, of: attempt.request, delivery: attempt.delivery, subscription: subscription, retry: true,
                    claim: attempt.claim, now: attempt.now, disabled: &disabled)
                if !outcome.succeeded || subscription.failingSince != nil { current.removeValue(forKey: id) }
                between()
            }
        }
        try notify(disabled)
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
    /// disables the subscription (410 Gone, five days of failures). With a `claim` (the worker),
    /// only while that claim still holds the delivery: nil, and nothing recorded or disabled, when
    /// another worker has taken it over. Returns the attempt id.
    /// A subscription that recording an attempt disabled, for the operator notification.
    private typealias Disabling = (subscription: Subscription, reason: String)

    /// Tells the operator about each subscription in `disabled` (after the change is committed).
    private func notify(_ disabled: [Disabling]) throws {
        guard !disabled.isEmpty else { return }
        let organization = try store.catalog.organization()
        for item in disabled {
            notifier.notify(.disabled, subscription: item.subscription, organization: organization, reason: item.reason)
        }
    }

    /// ``record(_:of:delivery:subscription:retry:claim:now:disabled:)``, notifying the operator at once.
    private func record(
        _ outcome: DeliveryOutcome, of request: OutgoingRequest, delivery: Delivery, subscription: Subscription, retry: Bool,
        claim: String?, now: Int
    ) throws -> Int? {
        var disabled: [Disabling] = []
        let attemptID = try record(
            outcome, of: request, delivery: delivery, subscription: subscription, retry: retry, claim: claim, now: now,
            disabled: &disabled)
        try notify(disabled)
        return attemptID
    }

    /// Records one attempt; a subscription it disables is appended to `disabled`, for the caller
    /// to notify once the change is committed.
    private func record(
        _ outcome: DeliveryOutcome, of request: OutgoingRequest, delivery: Delivery, subscription: Subscription, retry: Bool,
        claim: String?, now: Int, disabled: inout [Disabling]
    ) throws -> Int? {
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
        let attemptID: Int
        if let claim {
            guard
                let recorded = try log.record(
                    record, claim: claim, deliveryID: delivery.id, subscriptionID: subscription.id, nextAttemptAt: nextAttempt,
                    giveUp: nextAttempt == nil, now: now)
            else { return nil }
            attemptID = recorded
        } else {
            attemptID = try log.record(
                record, deliveryID: delivery.id, subscriptionID: subscription.id, nextAttemptAt: nextAttempt,
                giveUp: nextAttempt == nil, updatesFailingClock: retry, now: now)
        }
        if let disableReason, try log.disable(subscriptionID: subscription.id, reason: disableReason, now: now) {
            disabled.append((subscription, disableReason))
        }
        return attemptID
    }

    /// Retention (`delivery_retention`): deletes finished deliveries and their attempts that
    /// finished more than the retention ago, `batchSize` rows per transaction, at most
    /// `maximumBatches` transactions (the rest waits for the next round, so deliveries are not
    /// held up). Returns how many rows went.
    @discardableResult
    public func pruneExpired(now: Int, batchSize: Int = 500, maximumBatches: Int = 20) throws -> Int {
        let before = now - config.deliveryRetention
        var total = 0
        for _ in 0..<maximumBatches {
            let deleted = try store.deliveries.pruneFinished(before: before, limit: batchSize)
            total += deleted
            if deleted < batchSize { break }
        }
        return total
    }

    /// Sends `hookline.subscription.failing` for every active subscription failing longer than
    /// `failing_alert_after` whose episode was not reported yet (once per episode, whatever the
    /// number of workers), and reaps finished notify commands. Returns how many were reported.
    @discardableResult
    public func alertFailing(now: Int) throws -> Int {
        notifier.reap()
        guard notifier.isConfigured else { return 0 }
        let log = store.deliveries
        var told = 0
        for id in try log.failingUnalerted(failingBefore: now - config.failingAlertAfter) {
            guard let subscription = try store.subscriptions.find(id: id), let since = subscription.failingSince,
                try log.markFailingAlerted(subscriptionID: id, failingSince: since)
            else { continue }
            notifier.notify(.failing, subscription: subscription, organization: try store.catalog.organization())
            told += 1
        }
        return told
    }

    /// What the worker does after each round besides sending: retention and failing alerts.
    public func maintain(now: Int) throws {
        try pruneExpired(now: now)
        try alertFailing(now: now)
    }
}
