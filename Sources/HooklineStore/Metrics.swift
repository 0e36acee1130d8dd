/// The delivery numbers an operator scrapes (DESIGN §9), read cheaply: counters and histogram
/// buckets come from `delivery_metrics` (a few rows, updated in the same transaction as each
/// recorded attempt), the pending figures from the due index, subscriptions by status from an
/// index count.
public struct MetricsSnapshot: Sendable, Equatable {
    /// Attempts recorded so far by outcome (``AttemptOutcome`` raw values), including test sends
    /// and resends; never decreases (retention deletes attempts, not these counts).
    public var deliveriesByOutcome: [String: Int]
    /// Attempt durations: how many fell into each bucket of ``Metrics/bucketBounds`` (not
    /// cumulative; the last entry is the `+Inf` bucket), their sum in seconds and their count.
    public var durationBuckets: [Int]
    public var durationSum: Double
    public var durationCount: Int
    /// Deliveries waiting for the worker (``DeliveryState/pending``).
    public var pending: Int
    /// How long the most overdue pending delivery has been due, in seconds (0 when none is due).
    public var oldestPendingSeconds: Int
    /// Deliveries held for inactive or disabled subscriptions.
    public var held: Int
    public var subscriptions: [SubscriptionStatus: Int]

    public init(
        deliveriesByOutcome: [String: Int], durationBuckets: [Int], durationSum: Double, durationCount: Int, pending: Int,
        oldestPendingSeconds: Int, held: Int, subscriptions: [SubscriptionStatus: Int]
    ) {
        self.deliveriesByOutcome = deliveriesByOutcome
        self.durationBuckets = durationBuckets
        self.durationSum = durationSum
        self.durationCount = durationCount
        self.pending = pending
        self.oldestPendingSeconds = oldestPendingSeconds
        self.held = held
        self.subscriptions = subscriptions
    }
}

/// The Prometheus text exposition (format 0.0.4) of ``MetricsSnapshot``: one renderer for the
/// console's `GET /metrics` and the API's.
public enum Metrics {
    /// `Content-Type` of ``render(_:)``'s output.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Upper bounds, in seconds, of the delivery-duration histogram's buckets (`+Inf` follows).
    public static let bucketBounds: [Double] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    // The names of the rows in `delivery_metrics`.
    static let outcomeCounter = "deliveries_total"
    static let durationBucket = "duration_bucket"
    static let durationSum = "duration_sum"

    /// The bucket label (`"0.05"` … `"+Inf"`) of a latency in milliseconds, as SQL over `column`.
    static func bucketExpression(_ column: String) -> String {
        let cases = bucketBounds.map { "WHEN \(column) <= \($0 * 1000) THEN '\(label($0))'" }.joined(separator: " ")
        return "CASE \(cases) ELSE '+Inf' END"
    }

    /// The bucket label of one latency.
    static func bucketLabel(milliseconds: Double) -> String {
        bucketBounds.first { milliseconds <= $0 * 1000 }.map(label) ?? "+Inf"
    }

    /// `0.05`, `1`, `2.5`: the bound as Prometheus clients print it.
    static func label(_ bound: Double) -> String {
        bound == bound.rounded() ? String(Int(bound)) : String(bound)
    }

    /// Reads the snapshot from `store` at `now` and renders it.
    public static func render(store: Store, now: Int) throws -> String {
        render(try store.deliveries.metrics(now: now))
    }

    /// The exposition text: HELP and TYPE for every family, then its samples.
    public static func render(_ snapshot: MetricsSnapshot) -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        family("hookline_deliveries_total", "counter", "Delivery attempts recorded, by outcome (success or the class of failure).")
        for outcome in AttemptOutcome.allCases {
            out += "hookline_deliveries_total{outcome=\"\(outcome.rawValue)\"} \(snapshot.deliveriesByOutcome[outcome.rawValue] ?? 0)\n"
        }
        family("hookline_delivery_duration_seconds", "histogram", "Duration of delivery attempts in seconds.")
        var cumulative = 0
        for (index, bound) in (bucketBounds.map(label) + ["+Inf"]).enumerated() {
            cumulative += index < snapshot.durationBuckets.count ? snapshot.durationBuckets[index] : 0
            out += "hookline_delivery_duration_seconds_bucket{le=\"\(bound)\"} \(cumulative)\n"
        }
        out += "hookline_delivery_duration_seconds_sum \(number(snapshot.durationSum))\n"
        out += "hookline_delivery_duration_seconds_count \(snapshot.durationCount)\n"
        family("hookline_deliveries_pending", "gauge", "Deliveries waiting for the worker (due now or scheduled for a retry).")
        out += "hookline_deliveries_pending \(snapshot.pending)\n"
        family("hookline_oldest_pending_seconds", "gauge", "Seconds the most overdue pending delivery has been due (0 when none is due).")
        out += "hookline_oldest_pending_seconds \(snapshot.oldestPendingSeconds)\n"
        family("hookline_deliveries_held", "gauge", "Deliveries held for inactive or disabled subscriptions.")
        out += "hookline_deliveries_held \(snapshot.held)\n"
        family("hookline_subscriptions", "gauge", "Subscriptions by status.")
        for status in SubscriptionStatus.allCases {
            out += "hookline_subscriptions{status=\"\(status.rawValue)\"} \(snapshot.subscriptions[status] ?? 0)\n"
        }
        return out
    }

    /// A float as the exposition format accepts it: whole numbers without a fraction.
    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
