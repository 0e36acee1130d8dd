import HooklineDelivery
import HooklineStore
import HooklineTestSupport
import Testing

@testable import HooklineDispatch

@Suite("Test sends and resends")
struct TestSendTests {
    @Test("A failing test send is shown and logged but does not start the failing clock")
    func failingTestSend() throws {
        let fixture = try DispatchFixture()
        let id = try fixture.subscribe("/error")
        let event = try #require(try fixture.store.catalog.eventType(named: "conversation.ended"))
        let result = try fixture.dispatcher.sendTest(subscription: try fixture.subscription(id), eventType: event, now: fixture.now)

        #expect(result.outcome.statusCode == 500)
        let attempt = try #require(try fixture.store.deliveries.attempt(id: result.attemptID, subscriptionID: id))
        #expect(attempt.isTest)
        #expect(attempt.outcome == .httpStatus)
        let delivery = try #require(try fixture.store.deliveries.delivery(id: result.deliveryID))
        #expect(delivery.state == .failed)
        #expect(delivery.nextAttemptAt == nil)
        let subscription = try fixture.subscription(id)
        #expect(subscription.failingSince == nil)
        #expect(subscription.lastDeliveryOutcome == .httpStatus)
        #expect(subscription.status == .active)
    }

    @Test("A successful test send or resend does not reset a failing clock the worker started")
    func successfulTestSendKeepsTheStreak() throws {
        let fixture = try DispatchFixture()
        let started = fixture.now
        let id = try fixture.subscribe("/error")
        let failed = try fixture.emit(to: id)
        try fixture.runWorker()
        #expect(try fixture.subscription(id).failingSince == started)

        // The receiver is fixed: the admin points the webhook at a working URL and tries it.
        let current = try fixture.subscription(id)
        let draft = SubscriptionDraft(
            name: current.name, url: fixture.receiver.url("/ok"), active: true, signatureScheme: current.signatureScheme,
            eventTypes: current.eventTypes, agentUUIDs: current.agentUUIDs)
        try fixture.store.store.update(id: id, with: draft, expectedVersion: current.version, actor: "alice", now: fixture.now)
        fixture.now += 60
        let event = try #require(try fixture.store.catalog.eventType(named: "conversation.ended"))
        let test = try fixture.dispatcher.sendTest(subscription: try fixture.subscription(id), eventType: event, now: fixture.now)
        #expect(test.outcome.succeeded)
        #expect(try fixture.subscription(id).failingSince == started)

        let resent = try fixture.dispatcher.resend(
            try fixture.delivery(failed), subscription: try fixture.subscription(id), now: fixture.now)
        #expect(resent.outcome.succeeded)
        let subscription = try fixture.subscription(id)
        #expect(subscription.failingSince == started)
        #expect(subscription.lastDeliveryOutcome == .success)
    }

    @Test("Every failure class maps to its own stored outcome, with the stored text unchanged")
    func failureKindsMapToOutcomes() {
        let failures: [(DeliveryFailure?, AttemptOutcome, String)] = [
            (nil, .success, "success"),
            (.invalidURL("x"), .invalidURL, "invalid_url"),
            (.unsupportedScheme("ftp"), .invalidURL, "invalid_url"),
            (.dns(host: "a.example"), .dns, "dns"),
            (.connect("x"), .connect, "connect"),
            (.tls("x"), .tls, "tls"),
            (.timeout(seconds: 15), .timeout, "timeout"),
            (.blockedAddress("x"), .blocked, "blocked"),
            (.redirect(status: 301, location: nil), .redirect, "redirect"),
            (.httpStatus(500), .httpStatus, "http_status"),
            (.other("x"), .other, "other"),
        ]
        for (failure, outcome, stored) in failures {
            #expect(AttemptOutcome(failure) == outcome)
            #expect(outcome.rawValue == stored)
        }
        #expect(Set(DeliveryFailure.Kind.allCases.map { AttemptOutcome(Self.sample($0)) }).count == DeliveryFailure.Kind.allCases.count)
    }

    static func sample(_ kind: DeliveryFailure.Kind) -> DeliveryFailure {
        switch kind {
        case .invalidURL: .invalidURL("x")
        case .dns: .dns(host: "x")
        case .connect: .connect("x")
        case .tls: .tls("x")
        case .timeout: .timeout(seconds: 1)
        case .blockedAddress: .blockedAddress("x")
        case .redirect: .redirect(status: 301, location: nil)
        case .httpStatus: .httpStatus(500)
        case .other: .other("x")
        }
    }
}
