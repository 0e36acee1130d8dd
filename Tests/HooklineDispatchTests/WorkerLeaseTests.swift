import Foundation
import HooklineCore
import HooklineStore
import HooklineTestSupport
import Testing

@testable import HooklineDispatch

@Suite("Several workers: leases, no double sends, nothing lost")
struct WorkerLeaseTests {
    /// `count` deliveries to `/ok` (one subscription, one event each) due at the fixture's time.
    func emit(_ fixture: DispatchFixture, count: Int) throws -> (subscription: Int, deliveries: [Delivery]) {
        let id = try fixture.subscribe("/ok")
        for _ in 0..<count {
            let eventID = Identifier.uuid()
            _ = try fixture.store.deliveries.emit(
                eventID: eventID, eventType: "conversation.ended", agentUUID: nil, body: #"{"event_id":"\#(eventID)"}"#, now: fixture.now)
        }
        return (id, try fixture.store.deliveries.due(now: fixture.now, limit: count + 1))
    }

    /// How many of `deliveries` succeeded with exactly one recorded attempt.
    func succeededOnce(_ fixture: DispatchFixture, _ deliveries: [Delivery]) throws -> Int {
        try deliveries.filter { delivery in
            let current = try fixture.delivery(delivery)
            return current.state == .succeeded && current.attempts == 1
        }.count
    }

    func recordedAttempts(_ fixture: DispatchFixture, _ subscription: Int) throws -> Int {
        try fixture.store.deliveries.attempts(subscriptionID: subscription, page: 1, pageSize: 1000).attempts.count
    }

    /// Event id → how many requests carried it.
    func received(_ fixture: DispatchFixture) -> [String: Int] {
        var counts: [String: Int] = [:]
        for request in fixture.receiver.requests() {
            counts[request.header("X-Webhook-Id") ?? "", default: 0] += 1
        }
        return counts
    }

    @Test("Workers on separate connections running at once send every delivery exactly once")
    func concurrentWorkers() throws {
        let fixture = try DispatchFixture()
        let (id, deliveries) = try emit(fixture, count: 240)
        final class Totals: @unchecked Sendable {
            let lock = NSLock()
            var attempts: [Int] = []
            var failures: [String] = []
        }
        let totals = Totals()
        let location = fixture.store.location
        let config = fixture.config
        let now = fixture.now
        let done = DispatchGroup()
        for _ in 0..<3 {
            done.enter()
            Thread {
                defer { done.leave() }
                do {
                    let dispatcher = Dispatcher(store: Store(try Database(location)), config: config, clock: { now }, random: { 0.5 })
                    var made = 0
                    while true {
                        let count = try dispatcher.runDue(now: now, limit: 20)
                        if count == 0 { break }
                        made += count
                    }
                    totals.lock.withLock { totals.attempts.append(made) }
                } catch {
                    totals.lock.withLock { totals.failures.append("\(error)") }
                }
            }.start()
        }
        done.wait()
        #expect(totals.failures.isEmpty)
        #expect(totals.attempts.reduce(0, +) == 240)
        let counts = received(fixture)
        #expect(counts.count == 240)
        #expect(counts.values.allSatisfy { $0 == 1 }, "sent twice: \(counts.filter { $0.value > 1 }.keys.sorted())")
        #expect(try recordedAttempts(fixture, id) == 240)
        #expect(try succeededOnce(fixture, deliveries) == 240)
    }

    @Test("A dead worker's claims are left alone until the lease ends, then sent by another")
    func deadWorkersClaimsExpire() throws {
        let fixture = try DispatchFixture()
        let (id, deliveries) = try emit(fixture, count: 5)
        // A worker claims everything and dies before sending.
        let dead = try fixture.store.deliveries.claimDue(now: fixture.now, lease: 60, limit: 3)
        #expect(dead.deliveries.count == 3)
        #expect(try fixture.dispatcher.runDue(now: fixture.now, limit: 100, lease: 60) == 2)
        fixture.now += 59
        #expect(try fixture.dispatcher.runDue(now: fixture.now, limit: 100, lease: 60) == 0)
        fixture.now += 1
        #expect(try fixture.dispatcher.runDue(now: fixture.now, limit: 100, lease: 60) == 3)
        let counts = received(fixture)
        #expect(counts.count == 5 && counts.values.allSatisfy { $0 == 1 })
        #expect(try succeededOnce(fixture, deliveries) == 5)
        #expect(try recordedAttempts(fixture, id) == 5)
    }

    @Test("A worker that lost its claim sends but does not record; the new holder's attempt counts")
    func lostClaimIsNotRecorded() throws {
        let fixture = try DispatchFixture()
        let (id, _) = try emit(fixture, count: 1)
        // The slow worker claimed first with a lease that has since run out; a second worker
        // takes the delivery over and records its attempt.
        let stale = try fixture.store.deliveries.claimDue(now: fixture.now, lease: 60, limit: 1)
        #expect(stale.deliveries.count == 1)
        fixture.now += 60
        #expect(try fixture.dispatcher.runDue(now: fixture.now, limit: 10) == 1)
        let delivery = try #require(stale.deliveries.first)
        let refused = try fixture.store.deliveries.record(
            AttemptRecord(
                url: fixture.receiver.url("/ok"), requestHeaders: [], requestBody: delivery.body, statusCode: 200,
                latencyMilliseconds: 1, outcome: .success, message: "", responseExcerpt: ""),
            claim: stale.token, deliveryID: delivery.id, subscriptionID: id, nextAttemptAt: nil, giveUp: false, now: fixture.now)
        #expect(refused == nil)
        #expect(try recordedAttempts(fixture, id) == 1)
        #expect(received(fixture).values.reduce(0, +) == 1)
    }

    @Test("One call claims batch after batch, each delivery sent once")
    func severalBatches() throws {
        let fixture = try DispatchFixture()
        let (id, deliveries) = try emit(fixture, count: 50)
        // Ten first, then more as places free up (at least a quarter of them at a time).
        let first = try fixture.dispatcher.runDue(now: fixture.now, limit: 10, batches: 2)
        #expect(first > 10 && first <= 20)
        var total = first
        while true {
            let made = try fixture.dispatcher.runDue(now: fixture.now, limit: 10, batches: 10)
            if made == 0 { break }
            total += made
        }
        #expect(total == 50)
        let counts = received(fixture)
        #expect(counts.count == 50 && counts.values.allSatisfy { $0 == 1 })
        #expect(try succeededOnce(fixture, deliveries) == 50)
        #expect(try recordedAttempts(fixture, id) == 50)
    }

    @Test("A burst to one receiver shares its connections; a hanging receiver still gets every delivery at once after a short wait")
    func connectionsPerReceiver() throws {
        let fixture = try DispatchFixture()
        let fast = try fixture.subscribe("/ok")
        for _ in 0..<40 { try fixture.emit(to: fast) }
        #expect(try fixture.dispatcher.runDue(now: fixture.now, limit: 100) == 40)
        #expect(fixture.receiver.connectionCount() <= Dispatcher.connectionsPerReceiver)

        let slow = try DispatchFixture()
        slow.settings = {
            $0.connectTimeout = 0.5
            $0.timeout = 1.5
        }
        let hanging = try slow.subscribe("/hang")
        for _ in 0..<20 { try slow.emit(to: hanging) }
        let started = Date()
        #expect(try slow.dispatcher.runDue(now: slow.now, limit: 100) == 20)
        // 16 at once, the other 4 after waiting `connectionWait` for a connection, not for the
        // hanging ones to time out.
        #expect(Date().timeIntervalSince(started) < 1.5 + Dispatcher.connectionWait + 0.9)
        #expect(slow.receiver.requests().count == 20)
        #expect(slow.receiver.connectionCount() == 20)
        #expect(try recordedAttempts(slow, hanging) == 20)
    }

    @Test("The default lease outlasts the longest attempt")
    func leaseLength() {
        var config = Configuration()
        config.connectTimeout = 5
        config.timeout = 15
        #expect(Dispatcher.minimumLease(for: config) == 21)
        #expect(Dispatcher.defaultLease(for: config) == 51)
        config.connectTimeout = 0.5
        config.timeout = 1.2
        #expect(Dispatcher.minimumLease(for: config) == 3)
    }
}
