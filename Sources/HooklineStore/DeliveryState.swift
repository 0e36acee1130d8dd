/// Where a delivery is in its life. The raw value is the text stored in `deliveries.state`.
public enum DeliveryState: String, Sendable, CaseIterable {
    /// Waiting for the worker (`next_attempt_at` says when).
    case pending
    /// Being sent right away by a page (test send); never picked up by the worker.
    case sending
    /// A 2xx answer arrived.
    case succeeded
    /// Gave up: no retry left, a test send that failed, or the subscription was disabled.
    case failed
    /// Its subscription was inactive or disabled when the attempt came due.
    case cancelled
    /// Waiting for its subscription to be active again; never sent while held, never dropped.
    case held
}
