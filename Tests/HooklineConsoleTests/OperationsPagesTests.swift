import HooklineCGI
import HooklineConsole
import HooklineStore
import HooklineTestSupport
import Testing

/// The operations views: the all-deliveries log, the inventory's health line, the subscription
/// page's chart and the event catalogue.
@Suite struct OperationsPagesTests {
    typealias F = ConsoleFixture

    /// Records one attempt for `subscription` at `at`, succeeded or failed.
    func attempt(_ fixture: F, _ subscription: Int, event: String = "conversation.ended", ok: Bool, at: Int) throws -> Int {
        let log = DeliveryLog(try fixture.database())
        let delivery = try log.createDelivery(
            subscriptionID: subscription, eventID: "evt-\(at)-\(subscription)", eventType: event, body: "{}", isTest: false, due: nil,
            now: at)
        return try log.record(
            AttemptRecord(
                url: "https://example.com/h", requestHeaders: [], requestBody: "{}", statusCode: ok ? 200 : 500, latencyMilliseconds: 20,
                outcome: ok ? .success : .httpStatus, message: ok ? "" : "HTTP 500", responseExcerpt: ""),
            deliveryID: delivery, subscriptionID: subscription, nextAttemptAt: nil, giveUp: true, updatesFailingClock: true, now: at)
    }

    @Test func theLogListsEveryWebhooksAttemptsNewestFirstAndFilters() throws {
        let fixture = try F()
        let crm = try fixture.create("CRM sync")
        let billing = try fixture.create("Billing", events: ["conversation.started"])
        let now = Timestamp.now()
        let first = try attempt(fixture, crm, ok: true, at: now - 7200)
        let failed = try attempt(fixture, billing, event: "conversation.started", ok: false, at: now - 3600)
        let last = try attempt(fixture, crm, ok: true, at: now - 60)

        let all = try fixture.get("/deliveries")
        #expect(all.status == 200)
        let order = [last, failed, first].map { all.html.range(of: "data-attempt=\"\($0)\"")?.lowerBound }
        #expect(order.allSatisfy { $0 != nil } && order == order.sorted { $0! < $1! }, "newest first")
        #expect(all.html.contains("CRM sync") && all.html.contains("Billing"))
        #expect(all.html.contains("/webhooks/\(billing)/deliveries/\(failed)"), "each row links to its attempt")

        let onlyFailed = try fixture.get("/deliveries", query: "status=failed")
        #expect(onlyFailed.html.contains("data-attempt=\"\(failed)\"") && !onlyFailed.html.contains("data-attempt=\"\(last)\""))
        let byEvent = try fixture.get("/deliveries", query: "event=conversation.ended")
        #expect(!byEvent.html.contains("data-attempt=\"\(failed)\"") && byEvent.html.contains("data-attempt=\"\(first)\""))
        let bySubscription = try fixture.get("/deliveries", query: "subscription=\(billing)")
        #expect(bySubscription.html.contains("data-attempt=\"\(failed)\"") && !bySubscription.html.contains("data-attempt=\"\(first)\""))
        let since = try fixture.get("/deliveries", query: "since=\(Timestamp.minute(now - 1800))")
        #expect(since.html.contains("data-attempt=\"\(last)\"") && !since.html.contains("data-attempt=\"\(failed)\""))
        #expect(try fixture.get("/deliveries", query: "status=delivered&subscription=\(billing)").html.contains("No attempts match"))
    }

    @Test func theLogPagesByKeyset() throws {
        let fixture = try F()
        let id = try fixture.create()
        let now = Timestamp.now()
        var ids: [Int] = []
        for n in 0..<55 { ids.append(try attempt(fixture, id, ok: n % 2 == 0, at: now - 1000 + n)) }
        let first = try fixture.get("/deliveries")
        #expect(first.occurrences(of: "data-attempt=") == 50)
        #expect(first.html.contains("before=\(ids[5])"), "Older continues below the oldest shown")
        #expect(!first.html.contains("rel=\"prev\""))
        let older = try fixture.get("/deliveries", query: "before=\(ids[5])")
        #expect(older.occurrences(of: "data-attempt=") == 5)
        #expect(older.html.contains("rel=\"prev\"") && !older.html.contains("rel=\"next\""))
        let newer = try fixture.get("/deliveries", query: "after=\(ids[4])")
        #expect(newer.occurrences(of: "data-attempt=") == 50)
    }

    @Test(arguments: [
        "status=lost", "event=Not+An+Event", "subscription=0", "subscription=abc", "since=yesterday", "until=2026-02-31T10:00",
        "since=2026-04-20T00:00&until=2026-04-19T00:00", "before=1&after=2", "status=failed&status=delivered",
    ])
    func badLogFiltersAre400(_ query: String) throws {
        let page = try F().get("/deliveries", query: query)
        #expect(page.status == 400)
    }

    @Test func inventoryRowsShowTheLast24HoursAndTheLastSuccess() throws {
        let fixture = try F()
        let healthy = try fixture.create("Healthy")
        let flaky = try fixture.create("Flaky")
        _ = try fixture.create("Quiet")
        let now = Timestamp.now()
        _ = try attempt(fixture, healthy, ok: true, at: now - 600)
        _ = try attempt(fixture, flaky, ok: true, at: now - 3 * 86400)  // outside the window
        for n in 0..<3 { _ = try attempt(fixture, flaky, ok: n == 0, at: now - 3600 + n) }
        let page = try fixture.get("/")
        #expect(page.html.contains("100 % of 1 delivered in 24 h"))
        #expect(page.html.contains("33 % of 3 delivered in 24 h"))
        #expect(!page.html.contains("never delivered"), "a webhook without attempts shows no health line")
        #expect(page.html.contains("last success 10 min ago"))
    }

    @Test func theSubscriptionPageDrawsSevenDaysOfAttempts() throws {
        let fixture = try F()
        let id = try fixture.create()
        let empty = try fixture.get("/\(id)")
        #expect(empty.html.contains("<svg class=\"chart\""))
        #expect(empty.html.contains("No delivery attempts in the last 7 days."))
        let now = Timestamp.now()
        for n in 0..<4 { _ = try attempt(fixture, id, ok: n != 0, at: now - 7200 + n) }
        _ = try attempt(fixture, id, ok: false, at: now - 8 * 86400)  // older than the chart
        let page = try fixture.get("/\(id)")
        #expect(page.html.contains("In the last 7 days: 4 attempts, 1 failed (25 %)."))
        #expect(page.html.contains("<title id=\"chart-title\">"))
        #expect(page.occurrences(of: "class=\"bar-failed\"") == 1, "one hour with attempts, one bar")
    }

    @Test func theCatalogueShowsSamplesHeadersAndRetries() throws {
        let fixture = try F()
        let page = try fixture.get("/events")
        #expect(page.status == 200)
        #expect(page.html.contains("conversation.analysis.completed"))
        #expect(page.html.contains("&quot;event_type&quot;: &quot;conversation.ended&quot;"), "a pretty sample envelope")
        // The worked Standard Webhooks example is the spec's own vector shape: same secret, real HMAC.
        #expect(page.html.contains("webhook-signature: v1,"))
        #expect(page.html.contains("X-Webhook-Signature: sha256="))
        for step in ["5 s", "5 min", "30 min", "2 h", "24 h"] { #expect(page.html.contains("<li>\(step)</li>")) }
        #expect(try fixture.get("/new").html.contains("/webhooks/events\">event catalogue</a>"))
    }
}
