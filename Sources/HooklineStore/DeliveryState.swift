/// Where a delivery is in its life. The raw value is the text stored in `deliveries.state`.
public enum DeliveryState: String, Sendable, CaseIterable {
    /// Waiting for the worker (`next_attempt_at` says when).
    case pending
    /// Being sent right away by a page (test send); never picked up by the worker.
    case sending
    /// A 2xx answer arrived.
    case succeeded
    /// Gave up: no retry left, or a test send that failed.
    case failed
    /// Discarded: an admin chose not to deliver it after re-activating its subscription (before
    /// held deliveries existed: its subscription was inactive or disabled when it came due).
    case cancelled
    /// Queued for a subscription that is inactive or disabled: the worker neither sends nor drops
    /// it; re-activating offers to deliver (back to ``pending``) or discard (``cancelled``) it.
    case held

    /// The states a delivery ends in; retention deletes these once old enough.
    public static let finished: [DeliveryState] = [.succeeded, .failed, .cancelled]
}
