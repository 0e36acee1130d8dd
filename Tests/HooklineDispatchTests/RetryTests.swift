import HooklineCore
import HooklineDispatch
import HooklineStore
import HooklineTestSupport
import Testing

@Suite("Retries: the ladder, jitter and Retry-After")
struct RetryTests {
    /// The first attempt, then one retry per rung (DESIGN §3): after the 9th retry — the failure
    /// that follows the 24 h rung — nothing is scheduled and the delivery is failed for good.
    @Test("A failing delivery climbs the whole ladder, then fails for good after its last rung")
    func ladderToTheLastRung() throws {
        let fixture = try DispatchFixture()
        let id = try fixture.subscribe("/error")
        let delivery = try fixture.emit(to: id)

        for (index, delay) in RetrySchedule.ladder.enumerated() {
            #expect(try fixture.runWorker() == 1)
            let current = try fixture.delivery(delivery)
            #expect(current.attempts == index + 1)
            #expect(current.state == .pending)
            #expect(current.nextAttemptAt == fixture.now + delay, "after failure \(index + 1)")
            // One second early nothing is due; on time it is.
            fixture.now += delay - 1
            #expect(try fixture.runWorker() == 0)
            fixture.now += 1
        }
        #expect(try fixture.runWorker() == 1)
        let last = try fixture.delivery(delivery)
        #expect(last.attempts == RetrySchedule.ladder.count + 1)
        #expect(last.state == .failed)
        #expect(last.nextAttemptAt == nil)

        fixture.now += 86400
        #expect(try fixture.runWorker() == 0)
        #expect(fixture.receiver.requests().count == 10)
        let (attempts, _) = try fixture.store.deliveries.attempts(subscriptionID: id, page: 1, pageSize: 50)
        #expect(attempts.count == 10)
        #expect(attempts.allSatisfy { $0.outcome == .httpStatus && $0.statusCode == 500 })
        // Ten failures over about three days is not yet "five days": the subscription stays enabled.
        #expect(try fixture.subscription(id).status == .active)
    }

    @Test("Jitter stays within ±20 % of the ladder's step", arguments: [(0.0, 4), (0.25, 5), (0.999999, 6)])
    func jitterOnTheFirstRung(random: Double, expectedDelay: Int) throws {
        let fixture = try DispatchFixture()
        fixture.jitter = random
        let delivery = try fixture.emit(to: try fixture.subscribe("/error"))
        try fixture.runWorker()
        #expect(try fixture.delivery(delivery).nextAttemptAt == fixture.now + expectedDelay)
    }

    @Test("Every rung's jitter is bounded by 80 % and 120 % of its step")
    func jitterBoundsOnEveryRung() {
        let schedule = RetrySchedule()
        for (index, base) in RetrySchedule.ladder.enumerated() {
            let low = schedule.delay(afterFailures: index + 1, retryAfter: nil, statusCode: 500, random: { 0 })
            let high = schedule.delay(afterFailures: index + 1, retryAfter: nil, statusCode: 500, random: { 0.999999 })
            #expect(low == Int((Double(base) * 0.8).rounded()))
            #expect(high == Int((Double(base) * 1.2).rounded()))
        }
        #expect(schedule.delay(afterFailures: 10, retryAfter: nil, statusCode: 500, random: { 0.5 }) == nil)
    }

    @Test("429 Retry-After is honoured on the first rung, but never shortens a later one")
    func retryAfterOn429() throws {
        let fixture = try DispatchFixture()
        let delivery = try fixture.emit(to: try fixture.subscribe("/ratelimited"))  // 429, Retry-After: 7
        try fixture.runWorker()
        var current = try fixture.delivery(delivery)
        #expect(current.nextAttemptAt == fixture.now + 7)
        fixture.now += 7
        try fixture.runWorker()
        current = try fixture.delivery(delivery)
        #expect(current.nextAttemptAt == fixture.now + 300)
    }

    @Test("503 Retry-After pushes the retry out")
    func retryAfterOn503() throws {
        let fixture = try DispatchFixture()
        let delivery = try fixture.emit(to: try fixture.subscribe("/unavailable"))  // 503, Retry-After: 120
        try fixture.runWorker()
        #expect(try fixture.delivery(delivery).nextAttemptAt == fixture.now + 120)
    }

    @Test("Retry-After is clamped to 24 h and ignored unless the status is 429 or 503")
    func retryAfterClamping() {
        let schedule = RetrySchedule()
        #expect(schedule.delay(afterFailures: 1, retryAfter: "999999", statusCode: 503, random: { 0.5 }) == 86400)
        #expect(schedule.delay(afterFailures: 1, retryAfter: "999999", statusCode: 429, random: { 0.5 }) == 86400)
        #expect(schedule.delay(afterFailures: 1, retryAfter: "120", statusCode: 500, random: { 0.5 }) == 5)
        #expect(schedule.delay(afterFailures: 1, retryAfter: "soon", statusCode: 503, random: { 0.5 }) == 5)
    }
}
