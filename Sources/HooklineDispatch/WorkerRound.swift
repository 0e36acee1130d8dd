import HooklineDelivery
import HooklineStore

/// A claimed delivery on its way: signed, being sent, then recorded under its claim.
struct ClaimedAttempt {
    let delivery: Delivery
    let subscriptionID: Int
    let request: OutgoingRequest
    let claim: String
    /// The attempt's time (Unix seconds), as signed.
    let now: Int
}

/// The attempts of one ``Dispatcher/runDue(now:limit:lease:batches:)`` between claim and record:
/// queued on the worker's ``DeliveryClient``, ended and waiting to be recorded, or not started
/// in time and waiting to be released.
final class WorkerRound {
    let client: DeliveryClient
    let limits: DeliveryClient.Limits
    /// Seconds after its claim in which an attempt may still start.
    let startWithin: Double
    private var sending: [Int: ClaimedAttempt] = [:]
    private(set) var ended: [(attempt: ClaimedAttempt, outcome: DeliveryOutcome)] = []
    private var unsent: [ClaimedAttempt] = []
    /// When ``keepSending()`` last moved the transfers on (``MonotonicClock`` milliseconds).
    private var lastMoved = 0.0

    init(client: DeliveryClient, limits: DeliveryClient.Limits, startWithin: Double) {
        self.client = client
        self.limits = limits
        self.startWithin = startWithin
    }

    /// Whether nothing is left to send, record or release.
    var isDone: Bool { sending.isEmpty && ended.isEmpty && unsent.isEmpty }

    /// Whether attempts are still queued or running.
    var isSending: Bool { !sending.isEmpty }

    /// Queues `attempt` and keeps the transfers moving.
    func send(_ attempt: ClaimedAttempt) {
        sending[client.enqueue(attempt.request, startWithin: startWithin)] = attempt
        keepSending()
    }

    /// Moves the transfers on without waiting — at most every 0.2 ms, which is soon enough for
    /// a receiver to always have its next request — so the worker's own steps (signing,
    /// recording) leave no gaps in sending.
    func keepSending() {
        let now = MonotonicClock.nowMilliseconds()
        guard now - lastMoved >= 0.2 else { return }
        lastMoved = now
        collect(client.advance(limits: limits, waitMilliseconds: 0))
    }

    /// Waits up to a second for a transfer to end; false when none did.
    func awaitProgress() -> Bool {
        let completions = client.advance(limits: limits, waitMilliseconds: 1000)
        collect(completions)
        return !completions.isEmpty
    }

    /// The ended attempts, for recording.
    func takeEnded() -> [(attempt: ClaimedAttempt, outcome: DeliveryOutcome)] {
        defer { ended.removeAll(keepingCapacity: true) }
        return ended
    }

    /// The attempts that did not start in time, for releasing.
    func takeUnsent() -> [ClaimedAttempt] {
        defer { unsent.removeAll() }
        return unsent
    }

    private func collect(_ completions: [DeliveryClient.Completion]) {
        for completion in completions {
            guard let attempt = sending.removeValue(forKey: completion.ticket) else { continue }
            if let outcome = completion.outcome {
                ended.append((attempt, outcome))
            } else {
                unsent.append(attempt)
            }
        }
    }
}
