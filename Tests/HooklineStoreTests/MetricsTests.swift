import HooklineTestSupport
import Testing

@testable import HooklineStore

@Suite("Metrics: counters kept with each attempt, rendered as Prometheus text")
struct MetricsTests {
    typealias F = StoreFixture

    func record(_ fixture: F, subscription: Int, outcome: AttemptOutcome, milliseconds: Double, index: Int) throws {
        let delivery = try fixture.deliveries.createDelivery(
            subscriptionID: subscription, eventID: "evt-\(index)", eventType: "conversation.ended", body: "{}", isTest: false,
            due: fixture.now, now: fixture.now)
        let attempt = AttemptRecord(
            url: "https://example.com/hook", requestHeaders: [], requestBody: "{}", statusCode: outcome == .success ? 200 : 500,
            latencyMilliseconds: milliseconds, outcome: outcome, message: "", responseExcerpt: "")
        try fixture.deliveries.record(
            attempt, deliveryID: delivery, subscriptionID: subscription, nextAttemptAt: nil, giveUp: true, updatesFailingClock: true,
            now: fixture.now)
    }

    @Test("Outcomes, duration buckets, pending, oldest due and subscriptions by status")
    func snapshot() throws {
        let fixture = try F()
        let id = try fixture.create()
        try fixture.create("Off", active: false)
        try record(fixture, subscription: id, outcome: .success, milliseconds: 40, index: 1)
        try record(fixture, subscription: id, outcome: .success, milliseconds: 300, index: 2)
        try record(fixture, subscription: id, outcome: .httpStatus, milliseconds: 12_000, index: 3)
        _ = try fixture.deliveries.createDelivery(
            subscriptionID: id, eventID: "waiting", eventType: "conversation.ended", body: "{}", isTest: false, due: fixture.now - 90,
            now: fixture.now - 90)
        // Retention deletes attempts, never counts.
        try fixture.db.run("DELETE FROM delivery_attempts")

        let metrics = try fixture.deliveries.metrics(now: fixture.now)
        #expect(metrics.deliveriesByOutcome == ["success": 2, "http_status": 1])
        #expect(metrics.durationBuckets == [1, 0, 0, 1, 0, 0, 0, 0, 1])
        #expect(abs(metrics.durationSum - 12.34) < 1e-9)
        #expect(metrics.durationCount == 3)
        #expect(metrics.pending == 1)
        #expect(metrics.oldestPendingSeconds == 90)
        #expect(metrics.subscriptions == [.active: 1, .inactive: 1])

        let text = Metrics.render(metrics)
        #expect(text.contains("hookline_deliveries_total{outcome=\"success\"} 2\n"))
        #expect(text.contains("hookline_delivery_duration_seconds_bucket{le=\"0.05\"} 1\n"))
        #expect(text.contains("hookline_delivery_duration_seconds_bucket{le=\"0.5\"} 2\n"))
        #expect(text.contains("hookline_delivery_duration_seconds_bucket{le=\"10\"} 2\n"))
        #expect(text.contains("hookline_delivery_duration_seconds_bucket{le=\"+Inf\"} 3\n"))
        #expect(text.contains("hookline_delivery_duration_seconds_count 3\n"))
        #expect(text.contains("hookline_oldest_pending_seconds 90\n"))
        #expect(text.contains("hookline_subscriptions{status=\"disabled\"} 0\n"))
    }

    @Test("The subscriptions-by-status count reads an index, not the table", .sqliteOnly)
    func statusCountUsesAnIndex() throws {
        let fixture = try F()
        let plan = try fixture.db.query(
            "EXPLAIN QUERY PLAN SELECT active, disabled_reason IS NOT NULL AS disabled, count(*) AS n FROM subscriptions GROUP BY active, disabled_reason IS NOT NULL"
        ).map { try $0.text("detail") }.joined(separator: "; ")
        #expect(plan.contains("subscriptions_by_status"), "\(plan)")
    }
}
