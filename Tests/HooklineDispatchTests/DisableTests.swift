import HooklineCore
import HooklineDispatch
import HooklineStore
import HooklineTestSupport
import Testing

@Suite("Disabling: 410 Gone and five days of failures")
struct DisableTests {
    @Test("410 Gone disables the subscription with the reason, and it receives nothing more")
    func goneDisables() throws {
        let fixture = try DispatchFixture()
        let id = try fixture.subscribe("/gone")
        let delivery = try fixture.emit(to: id)
        try fixture.runWorker()

        let subscription = try fixture.subscription(id)
        #expect(subscription.status == .disabled)
        #expect(subscription.disabledReason == "the receiver answered 410 Gone on 2026-04-19 12:00 UTC")
        let current = try fixture.delivery(delivery)
        #expect(current.state == .failed)
        #expect(current.nextAttemptAt == nil)
        let entry = try #require(try fixture.store.audit.recent(limit: 1, subscriptionID: id).first)
        #expect(entry.action == .disable)
        #expect(entry.actor == "hookline (automatic)")

        var query = InventoryQuery()
        query.status = .disabled
        #expect(try fixture.store.store.inventory(query).rows.map(\.subscription.id) == [id])
        let created = try fixture.store.deliveries.emit(
            eventID: Identifier.uuid(), eventType: "conversation.ended", agentUUID: nil, body: "{}", now: fixture.now)
        #expect(created == 0)
    }

    @Test("A subscription failing continuously for five days is disabled, not a second earlier")
    func fiveDaysOfFailures() throws {
        let fixture = try DispatchFixture()
        let start = fixture.now
        let id = try fixture.subscribe("/error")
        let first = try fixture.emit(to: id)
        try fixture.runWorker()
        #expect(try fixture.subscription(id).failingSince == start)

        fixture.now = start + RetrySchedule.disableAfter - 1
        let second = try fixture.emit(to: id)
        #expect(try fixture.runWorker() == 2)
        #expect(try fixture.subscription(id).status == .active)

        fixture.now = start + RetrySchedule.disableAfter
        try fixture.emit(to: id)
        #expect(try fixture.runWorker() == 1)
        let subscription = try fixture.subscription(id)
        #expect(subscription.status == .disabled)
        #expect(subscription.disabledReason == "deliveries failed continuously for 5 days (last: The receiver answered HTTP 500)")
        // What was still waiting is held, neither sent to a disabled subscription nor dropped.
        #expect(try fixture.delivery(first).state == .held)
        #expect(try fixture.delivery(second).state == .held)
        fixture.now += 86400
        #expect(try fixture.runWorker() == 0)
    }

    @Test("A success ends the failing streak, so the five days start again")
    func successResetsTheStreak() throws {
        let fixture = try DispatchFixture()
        let failing = try fixture.subscribe("/error")
        try fixture.emit(to: failing)
        try fixture.runWorker()
        #expect(try fixture.subscription(failing).failingSince == fixture.now)

        // The admin points the webhook at a working URL; the next real delivery succeeds.
        let current = try fixture.subscription(failing)
        let draft = SubscriptionDraft(
            name: current.name, url: fixture.receiver.url("/ok"), active: true, signatureScheme: current.signatureScheme,
            eventTypes: current.eventTypes, agentUUIDs: current.agentUUIDs)
        try fixture.store.store.update(id: failing, with: draft, expectedVersion: current.version, actor: "alice", now: fixture.now)
        fixture.now += 4 * 86400
        try fixture.emit(to: failing)
        try fixture.runWorker()
        #expect(try fixture.subscription(failing).failingSince == nil)
    }

    @Test("Deliveries queued for a subscription switched off are held, not sent")
    func inactiveHolds() throws {
        let fixture = try DispatchFixture()
        let id = try fixture.subscribe("/ok")
        let delivery = try fixture.emit(to: id)
        try fixture.store.store.setActive(id: id, active: false, expectedVersion: nil, actor: "alice", now: fixture.now)
        #expect(try fixture.runWorker() == 0)
        let current = try fixture.delivery(delivery)
        #expect(current.state == .held)
        #expect(current.nextAttemptAt == nil)
        #expect(fixture.receiver.requests().isEmpty)
    }
}
