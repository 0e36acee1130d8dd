import HooklineTestSupport
import Testing

@testable import HooklineStore

@Suite struct SubscriptionStoreTests {
    typealias F = StoreFixture

    @Test func createThenFindReturnsEverything() throws {
        let fixture = try F()
        let id = try fixture.create(
            "CRM sync", url: "https://crm.example/hooks", events: ["conversation.started", "conversation.ended", "conversation.ended"],
            agents: [F.agentB.uuid, F.agentA.uuid], secret: "whsec_first")
        let s = try #require(try fixture.store.find(id: id))
        #expect(s.name == "CRM sync")
        #expect(s.url == "https://crm.example/hooks")
        #expect(s.active)
        #expect(s.status == .active)
        #expect(s.signatureScheme == .hookline)
        #expect(s.secret == "whsec_first")
        #expect(s.hasSecret)
        #expect(s.eventTypes == ["conversation.ended", "conversation.started"])
        #expect(s.eventCount == 2)
        #expect(s.agentUUIDs == [F.agentA.uuid, F.agentB.uuid])
        #expect(s.version == 1)
        #expect(s.createdAt == fixture.now)
        #expect(try fixture.store.find(id: id + 1) == nil)
        #expect(try fixture.store.count() == 1)
    }

    @Test func updateWithCurrentVersionSaves() throws {
        let fixture = try F()
        let id = try fixture.create()
        let draft = SubscriptionDraft(
            name: "Renamed", url: "https://new.example/h", active: false, signatureScheme: .standardWebhooks,
            eventTypes: ["conversation.started"], agentUUIDs: [F.agentA.uuid])
        try fixture.store.update(id: id, with: draft, expectedVersion: 1, actor: "bob", now: fixture.now + 5)
        let s = try #require(try fixture.store.find(id: id))
        #expect(s.name == "Renamed")
        #expect(s.url == "https://new.example/h")
        #expect(s.status == .inactive)
        #expect(s.signatureScheme == .standardWebhooks)
        #expect(s.eventTypes == ["conversation.started"])
        #expect(s.agentUUIDs == [F.agentA.uuid])
        #expect(s.version == 2)
        #expect(s.updatedAt == fixture.now + 5)
    }

    @Test func staleVersionIsAConflictCarryingCurrentValues() throws {
        let fixture = try F()
        let id = try fixture.create()
        var draft = SubscriptionDraft(
            name: "First save", url: "https://example.com/hook", active: true, signatureScheme: .hookline,
            eventTypes: ["conversation.ended"], agentUUIDs: [])
        try fixture.store.update(id: id, with: draft, expectedVersion: 1, actor: "alice", now: fixture.now)
        draft.name = "Second save on an old page"
        do {
            try fixture.store.update(id: id, with: draft, expectedVersion: 1, actor: "bob", now: fixture.now)
            Issue.record("a stale version was saved")
        } catch .conflict(let current) {
            #expect(current.name == "First save")
            #expect(current.version == 2)
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(try fixture.store.find(id: id)?.name == "First save")
    }

    @Test func updateOfMissingSubscriptionIsNotFound() throws {
        let fixture = try F()
        let draft = SubscriptionDraft(
            name: "x", url: "https://x", active: true, signatureScheme: .hookline, eventTypes: ["conversation.ended"], agentUUIDs: [])
        do {
            try fixture.store.update(id: 42, with: draft, expectedVersion: 1, actor: "a", now: 0)
            Issue.record("no error")
        } catch .notFound {
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func setActiveTogglesAndChecksVersion() throws {
        let fixture = try F()
        let id = try fixture.create()
        try fixture.store.setActive(id: id, active: false, expectedVersion: 1, actor: "alice", now: fixture.now)
        #expect(try fixture.store.find(id: id)?.status == .inactive)
        #expect(try fixture.store.find(id: id)?.version == 2)
        do {
            try fixture.store.setActive(id: id, active: true, expectedVersion: 1, actor: "bob", now: fixture.now)
            Issue.record("stale toggle applied")
        } catch .conflict(let current) {
            #expect(current.active == false)
        } catch {
            Issue.record("unexpected \(error)")
        }
        try fixture.store.setActive(id: id, active: true, expectedVersion: nil, actor: "alice", now: fixture.now)
        #expect(try fixture.store.find(id: id)?.status == .active)
    }

    @Test func activatingClearsAnAutomaticDisable() throws {
        let fixture = try F()
        let id = try fixture.create()
        try fixture.deliveries.disable(subscriptionID: id, reason: "the endpoint answered 410 Gone", now: fixture.now)
        #expect(try fixture.store.find(id: id)?.status == .disabled)
        try fixture.store.setActive(id: id, active: true, expectedVersion: nil, actor: "alice", now: fixture.now)
        let s = try #require(try fixture.store.find(id: id))
        #expect(s.status == .active)
        #expect(s.disabledReason == nil)
        #expect(s.failingSince == nil)
    }

    @Test func deleteCascadesToScopeAndDeliveries() throws {
        let fixture = try F()
        let id = try fixture.create(events: ["conversation.ended", "conversation.started"], agents: [F.agentA.uuid])
        let keep = try fixture.create("Other")
        #expect(
            try fixture.deliveries.emit(
                eventID: "evt-1", eventType: "conversation.ended", agentUUID: F.agentA.uuid, body: "{}", now: fixture.now) == 2)
        let delivery = try fixture.scalar("SELECT id FROM deliveries WHERE subscription_id = ?", [.of(id)])
        try fixture.deliveries.record(
            attempt(outcome: .success, status: 200), deliveryID: delivery, subscriptionID: id, nextAttemptAt: nil, giveUp: false,
            updatesFailingClock: true, now: fixture.now)
        try fixture.store.delete(id: id, expectedVersion: 1, actor: "alice", now: fixture.now)

        #expect(try fixture.store.find(id: id) == nil)
        for table in ["subscription_events", "subscription_agents", "deliveries", "delivery_attempts"] {
            #expect(try fixture.scalar("SELECT count(*) FROM \(table) WHERE subscription_id = ?", [.of(id)]) == 0, "\(table) kept rows")
        }
        #expect(try fixture.store.find(id: keep) != nil)
        #expect(try fixture.scalar("SELECT count(*) FROM deliveries WHERE subscription_id = ?", [.of(keep)]) == 1)
        #expect(try AuditLog(fixture.db).recent().first?.action == .delete)
    }

    @Test func deleteWithStaleVersionKeepsTheSubscription() throws {
        let fixture = try F()
        let id = try fixture.create()
        try fixture.store.setActive(id: id, active: false, expectedVersion: nil, actor: "a", now: fixture.now)
        #expect(throws: ChangeError.self) { try fixture.store.delete(id: id, expectedVersion: 1, actor: "a", now: fixture.now) }
        #expect(try fixture.store.find(id: id) != nil)
    }

    @Test func regenerateKeepsThePreviousSecretDuringTheGracePeriod() throws {
        let fixture = try F()
        let id = try fixture.create(secret: "whsec_old")
        let graceUntil = fixture.now + 3600
        let token = try fixture.store.replaceSecret(
            id: id, newSecret: "whsec_new", graceUntil: graceUntil, revealBinding: "browser", actor: "alice", now: fixture.now)
        #expect(token != nil)
        let s = try #require(try fixture.store.find(id: id))
        #expect(s.signingSecrets(now: fixture.now) == ["whsec_new", "whsec_old"])
        #expect(s.signingSecrets(now: graceUntil - 1) == ["whsec_new", "whsec_old"])
        #expect(s.signingSecrets(now: graceUntil) == ["whsec_new"])
        #expect(s.signingSecrets(now: graceUntil + 86400) == ["whsec_new"])
        #expect(s.version == 2)
    }

    @Test func firstSecretHasNoPreviousAndRemovalClearsBoth() throws {
        let fixture = try F()
        let id = try fixture.create()
        _ = try fixture.store.replaceSecret(
            id: id, newSecret: "whsec_one", graceUntil: fixture.now + 3600, revealBinding: "browser", actor: "a", now: fixture.now)
        #expect(try fixture.store.find(id: id)?.signingSecrets(now: fixture.now) == ["whsec_one"])
        _ = try fixture.store.replaceSecret(
            id: id, newSecret: "whsec_two", graceUntil: fixture.now + 3600, revealBinding: "browser", actor: "a", now: fixture.now)
        let removed = try fixture.store.replaceSecret(
            id: id, newSecret: nil, graceUntil: nil, revealBinding: "browser", actor: "a", now: fixture.now)
        #expect(removed == nil)
        let s = try #require(try fixture.store.find(id: id))
        #expect(!s.hasSecret)
        #expect(s.previousSecret == nil)
        #expect(s.signingSecrets(now: fixture.now).isEmpty)
    }

    @Test func revealReturnsTheSecretOnce() throws {
        let fixture = try F()
        let id = try fixture.create()
        let token = try #require(
            try fixture.store.replaceSecret(
                id: id, newSecret: "whsec_shown_once", graceUntil: nil, revealBinding: "browser", actor: "a", now: fixture.now))
        #expect(
            try fixture.store.consumeReveal(token: token, binding: "browser", subscriptionID: id, now: fixture.now + 1)
                == "whsec_shown_once")
        #expect(try fixture.store.consumeReveal(token: token, binding: "browser", subscriptionID: id, now: fixture.now + 2) == nil)
        #expect(try fixture.scalar("SELECT count(*) FROM secret_reveals") == 0)
    }

    @Test func revealIsBoundToItsSubscriptionAndExpires() throws {
        let fixture = try F()
        let id = try fixture.create()
        let other = try fixture.create("Other")
        let token = try fixture.store.createReveal(subscriptionID: id, secret: "whsec_x", binding: "browser", now: fixture.now)
        #expect(try fixture.store.consumeReveal(token: token, binding: "browser", subscriptionID: other, now: fixture.now) == nil)
        let late = try fixture.store.createReveal(subscriptionID: id, secret: "whsec_y", binding: "browser", now: fixture.now)
        #expect(try fixture.store.consumeReveal(token: late, binding: "browser", subscriptionID: id, now: fixture.now + 901) == nil)
        #expect(try fixture.store.consumeReveal(token: "unknown", binding: "browser", subscriptionID: id, now: fixture.now) == nil)
    }

    @Test func creationTokenFindsTheSubscriptionItCreated() throws {
        let fixture = try F()
        let token = "0123456789abcdef0123456789abcdef"
        #expect(try fixture.store.createdBy(token: token) == nil)
        let id = try fixture.create(token: token)
        #expect(try fixture.store.createdBy(token: token) == id)
        #expect(try fixture.store.createdBy(token: "ffffffffffffffffffffffffffffffff") == nil)
        // A second creation for the same submission names the first and creates nothing.
        let again = try fixture.store.create(
            SubscriptionDraft(
                name: "Again", url: "https://example.com/again", active: true, signatureScheme: .hookline,
                eventTypes: ["conversation.ended"], agentUUIDs: []),
            secret: "whsec_never_stored", creationToken: token, revealBinding: "browser", actor: "alice", now: fixture.now)
        #expect(again == Creation(id: id, isNew: false, revealToken: nil))
        #expect(try fixture.store.count() == 1)
        #expect(try fixture.store.find(id: id)?.name == "CRM sync")
    }
}

func attempt(outcome: AttemptOutcome, status: Int?, headers: [(name: String, value: String)] = []) -> AttemptRecord {
    AttemptRecord(
        url: "https://example.com/hook", requestHeaders: headers, requestBody: "{}", statusCode: status, latencyMilliseconds: 12.5,
        outcome: outcome, message: outcome == .success ? "" : "failed", responseExcerpt: "ok")
}

@Suite struct ReenableTests {
    typealias F = StoreFixture

    /// The edit form shows an auto-disabled webhook with Active unchecked and says "Saving it with
    /// Active checked enables it again"; that must hold even when nothing else changes.
    @Test func savingWithActiveCheckedClearsAnAutomaticDisable() throws {
        let fixture = try F()
        let id = try fixture.create()
        try fixture.deliveries.record(
            attempt(outcome: .timeout, status: nil),
            deliveryID: try fixture.deliveries.createDelivery(
                subscriptionID: id, eventID: "e", eventType: "conversation.ended", body: "{}", isTest: false, due: nil, now: 1),
            subscriptionID: id, nextAttemptAt: nil, giveUp: true, updatesFailingClock: true, now: 1)
        try fixture.deliveries.disable(subscriptionID: id, reason: "failing for 5 days", now: fixture.now)
        let disabled = try #require(try fixture.store.find(id: id))
        let draft = SubscriptionDraft(
            name: disabled.name, url: disabled.url, active: true, signatureScheme: disabled.signatureScheme,
            eventTypes: disabled.eventTypes, agentUUIDs: disabled.agentUUIDs)
        try fixture.store.update(id: id, with: draft, expectedVersion: disabled.version, actor: "alice", now: fixture.now + 1)
        let s = try #require(try fixture.store.find(id: id))
        #expect(s.status == .active)
        #expect(s.disabledReason == nil)
        #expect(s.failingSince == nil)
        #expect(s.version == disabled.version + 1)
        let entry = try #require(try AuditLog(fixture.db).recent().first)
        #expect(entry.action == .update)
        #expect(entry.changes.entries.contains { $0.field == "disabled" && $0.old == "failing for 5 days" })
    }
}

@Suite struct SubscriptionIDTests {
    /// An id names one webhook forever: after the newest webhook is deleted, the next one does
    /// not take its id (old links, stale forms and the audit log keep pointing at the deleted one).
    @Test func idsOfDeletedWebhooksAreNotReused() throws {
        let fixture = try StoreFixture()
        let first = try fixture.create("First")
        let second = try fixture.create("Second")
        try fixture.store.delete(id: second, expectedVersion: 1, actor: "alice", now: fixture.now)
        let third = try fixture.create("Third")
        #expect(third > second)
        #expect(third != first)
        #expect(try fixture.store.find(id: second) == nil)
    }
}
