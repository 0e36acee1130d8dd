import HooklineTestSupport
import Testing

@testable import HooklineStore

@Suite struct DeliveryLogTests {
    typealias F = StoreFixture

    func recipients(_ fixture: F, _ eventID: String) throws -> [String] {
        try fixture.db.query(
            "SELECT s.name FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id WHERE d.event_id = ? ORDER BY s.name",
            [.text(eventID)]
        ).map { try $0.text("name") }
    }

    @Test func emitFansOutToActiveMatchingSubscriptionsOnly() throws {
        let fixture = try F()
        try fixture.create("All agents")
        try fixture.create("Inactive", active: false)
        try fixture.create("Other event", events: ["conversation.started"])
        try fixture.create("Scoped A", agents: [F.agentA.uuid])
        try fixture.create("Scoped B", agents: [F.agentB.uuid])
        let disabled = try fixture.create("Disabled")
        try fixture.deliveries.disable(subscriptionID: disabled, reason: "410 Gone", now: fixture.now)

        let body = #"{"event_id":"evt-a","event_type":"conversation.ended"}"#
        let count = try fixture.deliveries.emit(
            eventID: "evt-a", eventType: "conversation.ended", agentUUID: F.agentA.uuid, body: body, now: fixture.now)
        #expect(count == 2)
        #expect(try recipients(fixture, "evt-a") == ["All agents", "Scoped A"])

        #expect(
            try fixture.deliveries.emit(eventID: "evt-none", eventType: "conversation.ended", agentUUID: nil, body: "{}", now: fixture.now)
                == 1)
        #expect(try recipients(fixture, "evt-none") == ["All agents"])

        #expect(
            try fixture.deliveries.emit(
                eventID: "evt-s", eventType: "conversation.started", agentUUID: F.agentB.uuid, body: "{}", now: fixture.now) == 1)
        #expect(try recipients(fixture, "evt-s") == ["Other event"])

        // The deliveries are due right away and carry the envelope bytes unchanged.
        let due = try fixture.deliveries.due(now: fixture.now)
        #expect(due.count == 4)
        #expect(due.filter { $0.eventID == "evt-a" }.allSatisfy { $0.body == body && $0.state == .pending && !$0.isTest })
        #expect(try fixture.deliveries.due(now: fixture.now - 1).isEmpty)
    }

    @Test func duplicateEventIDEmitsNothing() throws {
        let fixture = try F()
        try fixture.create()
        #expect(
            try fixture.deliveries.emit(eventID: "evt-1", eventType: "conversation.ended", agentUUID: nil, body: "{}", now: fixture.now)
                == 1)
        try fixture.create("Added later")
        #expect(
            try fixture.deliveries.emit(eventID: "evt-1", eventType: "conversation.ended", agentUUID: nil, body: "{}", now: fixture.now)
                == 0)
        #expect(try fixture.scalar("SELECT count(*) FROM deliveries") == 1)
        #expect(try fixture.scalar("SELECT count(*) FROM events") == 1)
    }

    @Test func recordUpdatesDeliveryAndLastDelivery() throws {
        let fixture = try F()
        let id = try fixture.create()
        try fixture.deliveries.emit(eventID: "evt-1", eventType: "conversation.ended", agentUUID: nil, body: "{}", now: fixture.now)
        let deliveryID = try #require(try fixture.deliveries.due(now: fixture.now).first?.id)
        let log = fixture.deliveries

        try log.record(
            attempt(outcome: .httpStatus, status: 500), deliveryID: deliveryID, subscriptionID: id,
            nextAttemptAt: fixture.now + 5, giveUp: false, updatesFailingClock: true, now: fixture.now)
        var s = try #require(try fixture.store.find(id: id))
        #expect(s.lastDeliveryAt == fixture.now)
        #expect(s.lastDeliveryOutcome == .httpStatus)
        #expect(s.lastDeliveryStatus == 500)
        #expect(s.failingSince == fixture.now)
        var delivery = try #require(try log.delivery(id: deliveryID))
        #expect(delivery.state == .pending)
        #expect(delivery.attempts == 1)
        #expect(delivery.nextAttemptAt == fixture.now + 5)

        try log.record(
            attempt(outcome: .timeout, status: nil), deliveryID: deliveryID, subscriptionID: id,
            nextAttemptAt: fixture.now + 300, giveUp: false, updatesFailingClock: true, now: fixture.now + 5)
        s = try #require(try fixture.store.find(id: id))
        #expect(s.failingSince == fixture.now, "failing_since must keep the first failure")
        #expect(s.lastDeliveryStatus == nil)

        try log.record(
            attempt(outcome: .success, status: 204), deliveryID: deliveryID, subscriptionID: id,
            nextAttemptAt: nil, giveUp: false, updatesFailingClock: true, now: fixture.now + 305)
        s = try #require(try fixture.store.find(id: id))
        #expect(s.failingSince == nil)
        #expect(s.lastDeliveryOutcome == .success)
        #expect(s.lastDeliveryAt == fixture.now + 305)
        delivery = try #require(try log.delivery(id: deliveryID))
        #expect(delivery.state == .succeeded)
        #expect(delivery.attempts == 3)
        #expect(delivery.nextAttemptAt == nil)
        #expect(try log.due(now: fixture.now + 10_000).isEmpty)

        let (attempts, hasNext) = try log.attempts(subscriptionID: id, page: 1)
        #expect(attempts.map(\.attempt) == [3, 2, 1])
        #expect(attempts.map(\.succeeded) == [true, false, false])
        #expect(hasNext == false)
    }

    @Test func giveUpMarksTheDeliveryFailed() throws {
        let fixture = try F()
        let id = try fixture.create()
        let deliveryID = try fixture.deliveries.createDelivery(
            subscriptionID: id, eventID: "evt-t", eventType: "conversation.ended", body: "{}", isTest: true, due: nil, now: fixture.now)
        #expect(try fixture.deliveries.delivery(id: deliveryID)?.state == .sending)
        try fixture.deliveries.record(
            attempt(outcome: .blocked, status: nil), deliveryID: deliveryID, subscriptionID: id,
            nextAttemptAt: nil, giveUp: true, updatesFailingClock: true, now: fixture.now)
        let delivery = try #require(try fixture.deliveries.delivery(id: deliveryID))
        #expect(delivery.state == .failed)
        #expect(delivery.isTest)
    }

    @Test func attemptsKeepRequestHeadersInOrder() throws {
        let fixture = try F()
        let id = try fixture.create()
        let deliveryID = try fixture.deliveries.createDelivery(
            subscriptionID: id, eventID: "evt-h", eventType: "conversation.ended", body: "{}", isTest: false, due: nil, now: fixture.now)
        let headers = [("Content-Type", "application/json"), ("X-Webhook-Id", "evt-h"), ("X-Webhook-Signature", "sha256=ab, sha256=cd")]
        let attemptID = try fixture.deliveries.record(
            attempt(outcome: .success, status: 200, headers: headers), deliveryID: deliveryID, subscriptionID: id,
            nextAttemptAt: nil, giveUp: false, updatesFailingClock: true, now: fixture.now)
        let stored = try #require(try fixture.deliveries.attempt(id: attemptID, subscriptionID: id))
        #expect(stored.requestHeaders.map(\.name) == headers.map(\.0))
        #expect(stored.requestHeaders.map(\.value) == headers.map(\.1))
        #expect(stored.eventID == "evt-h")
        #expect(stored.latencyMilliseconds == 12.5)
        #expect(try fixture.deliveries.attempt(id: attemptID, subscriptionID: id + 100) == nil)
    }

    @Test func responseBytesWithNULAreKeptWhole() throws {
        let fixture = try F()
        let id = try fixture.create()
        let deliveryID = try fixture.deliveries.createDelivery(
            subscriptionID: id, eventID: "evt-nul", eventType: "conversation.ended", body: "{}", isTest: true, due: nil, now: fixture.now)
        var record = attempt(outcome: .httpStatus, status: 500)
        record.responseExcerpt = "before\u{0}after the NUL"
        record.message = "bad\u{0}gateway"
        let attemptID = try fixture.deliveries.record(
            record, deliveryID: deliveryID, subscriptionID: id, nextAttemptAt: nil, giveUp: true, updatesFailingClock: false,
            now: fixture.now)
        let stored = try #require(try fixture.deliveries.attempt(id: attemptID, subscriptionID: id))
        // PostgreSQL text cannot hold NUL: it is stored as U+FFFD, which is how pages show it anyway.
        let nul = TestDatabase.isPostgreSQL ? "\u{FFFD}" : "\u{0}"
        #expect(stored.responseExcerpt == "before\(nul)after the NUL", "not cut at the NUL")
        #expect(stored.message == "bad\(nul)gateway")
    }

    @Test func attemptPagesAreBounded() throws {
        let fixture = try F()
        let id = try fixture.create()
        let deliveryID = try fixture.deliveries.createDelivery(
            subscriptionID: id, eventID: "evt-p", eventType: "conversation.ended", body: "{}", isTest: false, due: nil, now: fixture.now)
        for _ in 1...3 {
            try fixture.deliveries.record(
                attempt(outcome: .timeout, status: nil), deliveryID: deliveryID, subscriptionID: id,
                nextAttemptAt: fixture.now, giveUp: false, updatesFailingClock: true, now: fixture.now)
        }
        let first = try fixture.deliveries.attempts(subscriptionID: id, page: 1, pageSize: 2)
        #expect(first.attempts.map(\.attempt) == [3, 2])
        #expect(first.hasNextPage)
        let second = try fixture.deliveries.attempts(subscriptionID: id, page: 2, pageSize: 2)
        #expect(second.attempts.map(\.attempt) == [1])
        #expect(second.hasNextPage == false)
    }

    @Test func disableStopsPendingDeliveriesAndShowsTheReason() throws {
        let fixture = try F()
        let id = try fixture.create()
        try fixture.deliveries.emit(eventID: "evt-1", eventType: "conversation.ended", agentUUID: nil, body: "{}", now: fixture.now)
        try fixture.deliveries.disable(subscriptionID: id, reason: "the endpoint answered 410 Gone", now: fixture.now + 1)
        let s = try #require(try fixture.store.find(id: id))
        #expect(s.status == .disabled)
        #expect(s.status.label == "Disabled")
        #expect(s.disabledReason == "the endpoint answered 410 Gone")
        #expect(s.disabledAt == fixture.now + 1)
        #expect(s.version == 2)
        #expect(try fixture.deliveries.due(now: fixture.now + 100).isEmpty)
        let entry = try #require(try AuditLog(fixture.db).recent().first)
        #expect(entry.action == .disable)
        #expect(entry.actor.contains("automatic"))

        // Disabling again keeps the first reason and writes no second entry.
        try fixture.deliveries.disable(subscriptionID: id, reason: "failing for 5 days", now: fixture.now + 2)
        #expect(try fixture.store.find(id: id)?.disabledReason == "the endpoint answered 410 Gone")
        #expect(try AuditLog(fixture.db).recent().filter { $0.action == .disable }.count == 1)
    }
}
