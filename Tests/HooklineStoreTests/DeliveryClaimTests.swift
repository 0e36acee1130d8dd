import Foundation
import HooklineTestSupport
import Testing

@testable import HooklineStore

/// Worker leases (DESIGN §10): claims never overlap while they run, expire, and a worker whose
/// claim was taken over cannot record.
@Suite struct DeliveryClaimTests {
    typealias F = StoreFixture

    /// `count` due deliveries (one subscription, `count` events) at the fixture's time.
    func emit(_ fixture: F, count: Int) throws {
        try fixture.create()
        for index in 0..<count {
            _ = try fixture.deliveries.emit(
                eventID: "evt-\(index)", eventType: "conversation.ended", agentUUID: nil, body: "{}", now: fixture.now)
        }
    }

    func success() -> AttemptRecord {
        AttemptRecord(
            url: "https://example.com/hook", requestHeaders: [], requestBody: "{}", statusCode: 204, latencyMilliseconds: 3,
            outcome: .success, message: "", responseExcerpt: "")
    }

    @Test func claimsOfTwoConnectionsNeverOverlapAndTakeEverythingDue() throws {
        let fixture = try F()
        try emit(fixture, count: 25)
        let other = DeliveryLog(try fixture.connect())
        let first = try fixture.deliveries.claimDue(now: fixture.now, lease: 60, limit: 10)
        let second = try other.claimDue(now: fixture.now, lease: 60, limit: 10)
        let third = try fixture.deliveries.claimDue(now: fixture.now, lease: 60, limit: 10)
        #expect(first.deliveries.count == 10 && second.deliveries.count == 10 && third.deliveries.count == 5)
        let ids = (first.deliveries + second.deliveries + third.deliveries).map(\.id)
        #expect(Set(ids).count == 25)
        #expect(Set([first.token, second.token, third.token]).count == 3)
        #expect(first.until == fixture.now + 60)
        // Oldest first, within a claim and across claims.
        #expect(first.deliveries.map(\.id) == first.deliveries.map(\.id).sorted())
        #expect(first.deliveries.last!.id < second.deliveries.first!.id)
        // Everything is held: neither connection gets anything more while the leases run.
        #expect(try other.claimDue(now: fixture.now + 59, lease: 60, limit: 100).deliveries.isEmpty)
        #expect(try fixture.deliveries.claimDue(now: fixture.now, lease: 60, limit: 100).deliveries.isEmpty)
        // Reading what is due is not claiming.
        #expect(try fixture.deliveries.due(now: fixture.now, limit: 100).count == 25)
    }

    @Test func concurrentClaimersOnSeparateConnectionsGetEachDeliveryOnce() throws {
        let fixture = try F()
        try emit(fixture, count: 400)
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var ids: [Int] = []
            var failures: [String] = []
        }
        let results = Results()
        let location = fixture.location
        let now = fixture.now
        var threads: [Thread] = []
        let done = DispatchGroup()
        for _ in 0..<4 {
            done.enter()
            let thread = Thread {
                defer { done.leave() }
                do {
                    let log = DeliveryLog(try Database(location))
                    while true {
                        let claim = try log.claimDue(now: now, lease: 60, limit: 7)
                        if claim.deliveries.isEmpty { break }
                        results.lock.withLock { results.ids += claim.deliveries.map(\.id) }
                    }
                } catch {
                    results.lock.withLock { results.failures.append("\(error)") }
                }
            }
            threads.append(thread)
        }
        threads.forEach { $0.start() }
        done.wait()
        #expect(results.failures.isEmpty)
        #expect(results.ids.count == 400)
        #expect(Set(results.ids).count == 400)
    }

    @Test func anExpiredClaimIsClaimableAgainUnderANewToken() throws {
        let fixture = try F()
        try emit(fixture, count: 3)
        let dead = try fixture.deliveries.claimDue(now: fixture.now, lease: 30, limit: 10)
        #expect(dead.deliveries.count == 3)
        #expect(try fixture.deliveries.claimDue(now: fixture.now + 29, lease: 30, limit: 10).deliveries.isEmpty)
        let again = try fixture.deliveries.claimDue(now: fixture.now + 30, lease: 30, limit: 10)
        #expect(again.deliveries.map(\.id) == dead.deliveries.map(\.id))
        #expect(again.token != dead.token)
        #expect(try fixture.scalar("SELECT count(*) FROM deliveries WHERE claim = ?", [.text(again.token)]) == 3)
        // Not yet due is never claimed, however free.
        _ = try fixture.deliveries.emit(
            eventID: "evt-later", eventType: "conversation.ended", agentUUID: nil, body: "{}", now: fixture.now + 500)
        #expect(try fixture.deliveries.claimDue(now: fixture.now + 100, lease: 30, limit: 10).deliveries.count == 3)
    }

    @Test func aStaleClaimersRecordIsRefusedAndTheHoldersIsKept() throws {
        let fixture = try F()
        try emit(fixture, count: 1)
        let log = fixture.deliveries
        let late = try log.claimDue(now: fixture.now, lease: 30, limit: 10)
        let delivery = try #require(late.deliveries.first)
        let current = try log.claimDue(now: fixture.now + 31, lease: 30, limit: 10)
        #expect(current.deliveries.map(\.id) == [delivery.id])

        let refused = try log.record(
            success(), claim: late.token, deliveryID: delivery.id, subscriptionID: delivery.subscriptionID, nextAttemptAt: nil,
            giveUp: false, now: fixture.now + 40)
        #expect(refused == nil)
        #expect(try fixture.scalar("SELECT count(*) FROM delivery_attempts") == 0)
        #expect(try log.delivery(id: delivery.id)?.state == .pending)
        #expect(try fixture.text("SELECT claim FROM deliveries WHERE id = ?", [.of(delivery.id)]) == current.token)

        let kept = try log.record(
            success(), claim: current.token, deliveryID: delivery.id, subscriptionID: delivery.subscriptionID, nextAttemptAt: nil,
            giveUp: false, now: fixture.now + 41)
        #expect(kept != nil)
        let after = try #require(try log.delivery(id: delivery.id))
        #expect(after.state == .succeeded && after.attempts == 1)
        // The record released the claim; a second record with the same token is refused too.
        #expect(try fixture.scalar("SELECT count(*) FROM deliveries WHERE claim IS NULL AND claimed_until IS NULL") == 1)
        #expect(
            try log.record(
                success(), claim: current.token, deliveryID: delivery.id, subscriptionID: delivery.subscriptionID, nextAttemptAt: nil,
                giveUp: false, now: fixture.now + 42) == nil)
        #expect(try fixture.scalar("SELECT count(*) FROM delivery_attempts") == 1)
    }

    @Test func aLapsedClaimNobodyTookStillRecordsAndAFailureReleasesForTheRetry() throws {
        let fixture = try F()
        try emit(fixture, count: 1)
        let log = fixture.deliveries
        let claim = try log.claimDue(now: fixture.now, lease: 10, limit: 1)
        let delivery = try #require(claim.deliveries.first)
        var failure = success()
        failure.outcome = .httpStatus
        failure.statusCode = 500
        let recorded = try log.record(
            failure, claim: claim.token, deliveryID: delivery.id, subscriptionID: delivery.subscriptionID,
            nextAttemptAt: fixture.now + 20, giveUp: false, now: fixture.now + 15)
        #expect(recorded != nil)
        // The retry is due at its own time, with no lease left over from the first attempt.
        #expect(try log.claimDue(now: fixture.now + 19, lease: 10, limit: 1).deliveries.isEmpty)
        #expect(try log.claimDue(now: fixture.now + 20, lease: 10, limit: 1).deliveries.map(\.id) == [delivery.id])
        // The worker's record counts towards the failing streak.
        #expect(try fixture.scalar("SELECT failing_since FROM subscriptions") == fixture.now + 15)
    }

    @Test func releasingGivesBackOnlyWhatTheClaimStillHolds() throws {
        let fixture = try F()
        try emit(fixture, count: 3)
        let log = fixture.deliveries
        let claim = try log.claimDue(now: fixture.now, lease: 60, limit: 3)
        let ids = claim.deliveries.map(\.id)
        try log.release(claim: "someone-else", deliveryIDs: ids)
        #expect(try log.claimDue(now: fixture.now, lease: 60, limit: 3).deliveries.isEmpty)
        try log.release(claim: claim.token, deliveryIDs: Array(ids.prefix(2)))
        // Due again at once, unattempted, for any worker; the third stays claimed.
        let again = try log.claimDue(now: fixture.now, lease: 60, limit: 3)
        #expect(again.deliveries.map(\.id) == Array(ids.prefix(2)))
        #expect(again.deliveries.allSatisfy { $0.attempts == 0 && $0.state == .pending })
        #expect(try fixture.scalar("SELECT count(*) FROM delivery_attempts") == 0)
        try log.release(claim: claim.token, deliveryIDs: [])
    }

    @Test func holdingReleasesTheClaim() throws {
        let fixture = try F()
        try emit(fixture, count: 1)
        let claim = try fixture.deliveries.claimDue(now: fixture.now, lease: 10, limit: 1)
        try fixture.deliveries.hold(deliveryID: try #require(claim.deliveries.first).id)
        #expect(try fixture.scalar("SELECT count(*) FROM deliveries WHERE state = 'held' AND claim IS NULL") == 1)
    }

    @Test func aVersionTwoDatabaseGainsTheLeaseColumnsAndKeepsItsDeliveries() throws {
        let directory = TemporaryDirectory(prefix: "hookline-claims")
        let db = try Database(path: directory.path + "/old.db")
        try db.transaction {
            for index in 0..<2 { try db.execute(Schema.migrations[index]) }
            try Catalog.seedDefaults(db)
            try db.execute("PRAGMA user_version = 2")
        }
        try db.execute(
            """
            INSERT INTO subscriptions (id, name, url, created_at, updated_at) VALUES (1, 'Old', 'https://example.com/h', 1, 1);
            INSERT INTO deliveries (subscription_id, event_id, event_type, body, state, next_attempt_at, created_at)
              VALUES (1, 'evt-old', 'conversation.ended', '{}', 'pending', 1, 1);
            """)
        try Schema.migrate(db)
        #expect(try db.query("PRAGMA user_version").first?.int("user_version") == Schema.currentVersion)
        let claim = try DeliveryLog(db).claimDue(now: 2, lease: 10, limit: 10)
        #expect(claim.deliveries.map(\.eventID) == ["evt-old"])
    }
}
