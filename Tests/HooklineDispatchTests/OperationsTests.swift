import Foundation
import HooklineCore
import HooklineDispatch
import HooklineSigning
import HooklineTestSupport
import Testing

@testable import HooklineStore

@Suite("Operations: held deliveries, recover, retention (DESIGN §9)")
struct OperationsTests {
    @Test("Held while switched off, then delivered after re-activating: the receiver gets every held event once")
    func heldThenDelivered() throws {
        let fixture = try DispatchFixture()
        let id = try fixture.subscribe("/ok/held")
        let first = try fixture.emit(to: id)
        let second = try fixture.emit(to: id)
        try fixture.store.store.setActive(id: id, active: false, expectedVersion: nil, actor: "alice", now: fixture.now)
        #expect(try fixture.delivery(first).state == .held)
        fixture.now += 3600
        #expect(try fixture.runWorker() == 0)
        #expect(fixture.receiver.requests().isEmpty)

        let log = fixture.store.deliveries
        #expect(try log.heldCount(subscriptionID: id) == 2)
        try fixture.store.store.setActive(id: id, active: true, expectedVersion: nil, actor: "alice", now: fixture.now)
        #expect(try fixture.runWorker() == 0, "still held until the admin chooses")
        #expect(try log.deliverHeld(subscriptionID: id, actor: "alice", now: fixture.now) == 2)
        #expect(try fixture.runWorker() == 2)
        #expect(Set(fixture.receiver.requests().compactMap { $0.header("X-Webhook-Id") }) == [first.eventID, second.eventID])
        #expect(try fixture.delivery(second).state == .succeeded)
        let entry = try #require(try fixture.store.audit.recent(limit: 1, subscriptionID: id).first)
        #expect(entry.action == .deliverHeld)
        #expect(entry.actor == "alice")
    }

    @Test("Discarding held deliveries cancels them with an audit entry; nothing is sent")
    func heldThenDiscarded() throws {
        let fixture = try DispatchFixture()
        let id = try fixture.subscribe("/ok/discard")
        let delivery = try fixture.emit(to: id)
        try fixture.store.store.setActive(id: id, active: false, expectedVersion: nil, actor: "alice", now: fixture.now)
        try fixture.store.store.setActive(id: id, active: true, expectedVersion: nil, actor: "alice", now: fixture.now)
        #expect(try fixture.store.deliveries.discardHeld(subscriptionID: id, actor: "bob", now: fixture.now) == 1)
        #expect(try fixture.delivery(delivery).state == .cancelled)
        #expect(try fixture.runWorker() == 0)
        #expect(fixture.receiver.requests().isEmpty)
        #expect(try fixture.store.audit.recent(limit: 1, subscriptionID: id).first?.action == .discardHeld)
        #expect(try fixture.store.deliveries.discardHeld(subscriptionID: id, actor: "bob", now: fixture.now) == 0)
    }

    @Test("A 410 disables the subscription and holds what else was queued; re-enabling can deliver it")
    func disableHolds() throws {
        let fixture = try DispatchFixture()
        let id = try fixture.subscribe("/gone/x")
        let gone = try fixture.emit(to: id)
        let later = try fixture.emit(to: id)
        try fixture.store.db.run("UPDATE deliveries SET next_attempt_at = ? WHERE id = ?", [.of(fixture.now + 60), .of(later.id)])
        #expect(try fixture.runWorker() == 1)
        #expect(try fixture.delivery(gone).state == .failed)
        #expect(try fixture.delivery(later).state == .held)
        #expect(try fixture.subscription(id).status == .disabled)
        try fixture.store.store.setActive(id: id, active: true, expectedVersion: nil, actor: "alice", now: fixture.now)
        #expect(try fixture.store.deliveries.deliverHeld(subscriptionID: id, actor: "alice", now: fixture.now) == 1)
        #expect(try fixture.runWorker() == 1)
        #expect(fixture.receiver.requests().map { $0.header("X-Webhook-Id") } == [gone.eventID, later.eventID])
    }

    @Test("Recover re-queues failed deliveries since a time, counted first, audited; test sends stay")
    func recover() throws {
        let fixture = try DispatchFixture()
        let id = try fixture.subscribe("/error/recover")
        let start = fixture.now
        let old = try fixture.emit(to: id)
        try fixture.store.db.run("UPDATE deliveries SET state = 'failed', finished_at = ? WHERE id = ?", [.of(start - 7200), .of(old.id)])
        let recent = try fixture.emit(to: id)
        try fixture.store.db.run("UPDATE deliveries SET state = 'failed', finished_at = ? WHERE id = ?", [.of(start - 60), .of(recent.id)])
        let test = try fixture.store.deliveries.createDelivery(
            subscriptionID: id, eventID: "t", eventType: "conversation.ended", body: "{}", isTest: true, due: nil, now: start)
        try fixture.store.db.run("UPDATE deliveries SET state = 'failed', finished_at = ? WHERE id = ?", [.of(start), .of(test)])

        let log = fixture.store.deliveries
        #expect(try log.failedCount(subscriptionID: id, since: start - 3600) == 1)
        #expect(try log.failedCount(subscriptionID: nil, since: start - 86400) == 2)
        #expect(try log.recover(subscriptionID: id, since: start - 3600, actor: "alice", now: start) == 1)
        let requeued = try fixture.delivery(recent)
        #expect(requeued.state == .pending)
        #expect(requeued.nextAttemptAt == start)
        #expect(try fixture.delivery(old).state == .failed)
        #expect(try log.delivery(id: test)?.state == .failed)
        let entry = try #require(try fixture.store.audit.recent(limit: 1, subscriptionID: id).first)
        #expect(entry.action == .recover)
        #expect(try log.recover(subscriptionID: nil, since: start - 86400, actor: "alice", now: start) == 1)
        #expect(try fixture.store.audit.recent(limit: 1, subscriptionID: nil).first?.subscriptionName == "All webhooks")
        #expect(try fixture.runWorker() == 2)
    }

    @Test("Retention deletes 100,000 old attempts and their deliveries in batches of at most 500 rows; the rest stays")
    func retention() throws {
        let fixture = try DispatchFixture()
        fixture.settings = { $0.deliveryRetention = 30 * 86400 }
        let id = try fixture.subscribe("/ok/retention")
        let old = fixture.now - 31 * 86400
        try fixture.store.insertFinishedDeliveries(subscriptionID: id, deliveries: 25_000, attemptsEach: 4, finishedAt: old)
        try fixture.store.insertFinishedDeliveries(subscriptionID: id, deliveries: 10, attemptsEach: 2, finishedAt: fixture.now - 86400)
        let waiting = try fixture.emit(to: id)
        try fixture.store.db.run("UPDATE deliveries SET created_at = ? WHERE id = ?", [.of(old - 86400), .of(waiting.id)])
        #expect(try fixture.store.count("SELECT count(*) FROM delivery_attempts") == 100_020)

        var batches: [Int] = []
        var longest = 0.0
        while true {
            let started = Date()
            let deleted = try fixture.store.deliveries.pruneFinished(before: fixture.now - 30 * 86400, limit: 500)
            longest = max(longest, Date().timeIntervalSince(started))
            batches.append(deleted)
            if deleted < 500 { break }
        }
        #expect(batches.allSatisfy { $0 <= 500 })
        #expect(batches.reduce(0, +) == 125_000)
        #expect(longest < 1, "one batch must not hold the write lock long")
        #expect(try fixture.store.count("SELECT count(*) FROM delivery_attempts") == 20)
        #expect(try fixture.store.count("SELECT count(*) FROM deliveries") == 11)
        #expect(try fixture.delivery(waiting).state == .pending)

        // The worker's round does the same, bounded per round, by its (injected) clock.
        try fixture.store.insertFinishedDeliveries(subscriptionID: id, deliveries: 3_000, attemptsEach: 1, finishedAt: old)
        let dispatcher = fixture.dispatcher
        #expect(try dispatcher.pruneExpired(now: fixture.now, batchSize: 500, maximumBatches: 4) == 2_000)
        #expect(try dispatcher.pruneExpired(now: fixture.now) == 4_000)
        fixture.now += 86400 * 29 + 1
        #expect(try fixture.dispatcher.pruneExpired(now: fixture.now) == 30)
        #expect(try fixture.store.count("SELECT count(*) FROM deliveries") == 1)
    }
}

@Suite("Operator notifications (DESIGN §9)")
struct OperatorNotificationTests {
    @Test("A subscription failing longer than failing_alert_after is reported once per episode, signed, without secrets")
    func failingOncePerEpisode() throws {
        let fixture = try DispatchFixture()
        let directory = TemporaryDirectory(prefix: "hookline-notify")
        let output = directory.path + "/notified.jsonl"
        let secret = try SigningSecret.generate()
        // Values, not the fixture, in the stored closure: capturing the fixture would keep it
        // (and its temporary directory and receiver) alive after the test.
        let operatorURL = fixture.receiver.url("/ok/operator")
        fixture.settings = {
            $0.operatorWebhookURL = operatorURL
            $0.operatorWebhookSecret = secret
            $0.failingAlertAfter = 3600
            $0.notifyCommand = "cat >> '\(output)'; echo >> '\(output)'"
        }
        let id = try fixture.subscribe("/error/failing")
        let dispatcher = fixture.dispatcher
        try fixture.emit(to: id)
        _ = try dispatcher.runDue(now: fixture.now)
        #expect(try dispatcher.alertFailing(now: fixture.now) == 0)
        fixture.now += 3599
        #expect(try dispatcher.alertFailing(now: fixture.now) == 0)
        fixture.now += 1
        #expect(try dispatcher.alertFailing(now: fixture.now) == 1)
        #expect(try dispatcher.alertFailing(now: fixture.now + 60) == 0)
        #expect(try fixture.dispatcher.alertFailing(now: fixture.now + 60) == 0, "another worker does not repeat it")
        dispatcher.notifier.finish()

        let alert = try #require(fixture.receiver.requests().first { $0.path == "/ok/operator" })
        #expect(alert.header("X-Webhook-Event") == "hookline.subscription.failing")
        let headers = alert.headers.map { ($0.name, $0.value) }
        #expect(
            SignatureVerifier().verify(secret: secret, headers: headers, body: alert.body, now: fixture.now).isValid)
        let body = String(decoding: alert.body, as: UTF8.self)
        let subscription = try fixture.subscription(id)
        #expect(!body.contains(try #require(subscription.secret)))
        #expect(!body.contains(subscription.url))
        #expect(body.contains(#""subscription_id":\#(id)"#))
        let written = try String(contentsOfFile: output, encoding: .utf8)
        #expect(written.contains("hookline.subscription.failing"))
        #expect(written.split(separator: "\n").count == 1)
        #expect(fixture.logged.isEmpty)

        // A success ends the episode; the next one is reported again.
        try fixture.store.db.run("UPDATE subscriptions SET failing_since = NULL WHERE id = ?", [.of(id)])
        try fixture.store.db.run("UPDATE subscriptions SET failing_since = ? WHERE id = ?", [.of(fixture.now + 100), .of(id)])
        #expect(try dispatcher.alertFailing(now: fixture.now + 3700) == 1)
        dispatcher.notifier.finish()
    }

    @Test("An automatic disable is reported with its reason")
    func disabledIsReported() throws {
        let fixture = try DispatchFixture()
        let operatorURL = fixture.receiver.url("/ok/operator")
        fixture.settings = { $0.operatorWebhookURL = operatorURL }
        let id = try fixture.subscribe("/gone/receiver")
        try fixture.emit(to: id)
        try fixture.runWorker()
        let alert = try #require(fixture.receiver.requests().first { $0.path == "/ok/operator" })
        #expect(alert.header("X-Webhook-Event") == "hookline.subscription.disabled")
        #expect(alert.header("X-Webhook-Signature") == nil, "no operator secret, no signature")
        let body = String(decoding: alert.body, as: UTF8.self)
        #expect(body.contains("the receiver answered 410 Gone"))
    }

    @Test("A failing or hanging notify_command is logged and never holds up the worker")
    func badCommands() throws {
        let fixture = try DispatchFixture()
        fixture.settings = {
            $0.notifyCommand = "cat > /dev/null; exit 3"
            $0.notifyTimeout = 1
        }
        let failing = try fixture.subscribe("/error/a", name: "A")
        let dispatcher = fixture.dispatcher
        try fixture.emit(to: failing)
        _ = try dispatcher.runDue(now: fixture.now)
        fixture.now += 7200
        #expect(try dispatcher.alertFailing(now: fixture.now) == 1)
        dispatcher.notifier.finish()
        #expect(fixture.logged == ["hookline deliver: notify_command failed with exit status 3"])

        let other = try DispatchFixture()
        other.settings = {
            $0.notifyCommand = "sleep 30"
            $0.notifyTimeout = 1
        }
        let hanging = other.dispatcher
        let second = try other.subscribe("/error/b", name: "B")
        try other.emit(to: second)
        _ = try hanging.runDue(now: other.now)
        other.now += 7200
        let started = Date()
        #expect(try hanging.alertFailing(now: other.now) == 1)
        try other.store.store.setActive(id: second, active: false, expectedVersion: nil, actor: "alice", now: other.now)
        let ok = try other.subscribe("/ok/c", name: "C")
        try other.emit(to: ok)
        #expect(try hanging.runDue(now: other.now) == 1)
        #expect(Date().timeIntervalSince(started) < 1, "deliveries go on while the command hangs")
        #expect(hanging.notifier.runningCommands == 1)
        hanging.notifier.finish()
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(other.logged == ["hookline deliver: notify_command ran longer than 1 s and was killed"])
    }
}

extension StoreFixture {
    /// The single integer a counting query returns.
    func count(_ sql: String) throws -> Int {
        try db.query("SELECT (\(sql)) AS n").first?.int("n") ?? -1
    }

    /// Finished (succeeded) deliveries with `attemptsEach` attempts apiece, written in one
    /// statement each (a recursive CTE), so 100,000 rows take well under a second.
    func insertFinishedDeliveries(subscriptionID: Int, deliveries: Int, attemptsEach: Int, finishedAt: Int) throws {
        try db.transaction {
            let first = (try db.query("SELECT coalesce(max(id), 0) AS id FROM deliveries").first?.int("id") ?? 0) + 1
            try db.run(
                """
                WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
                INSERT INTO deliveries (id, subscription_id, event_id, event_type, body, state, attempts, created_at, finished_at)
                SELECT ? + i, ?, 'old-' || (? + i), 'conversation.ended', '{}', 'succeeded', ?, ?, ? FROM n
                """,
                [.of(deliveries), .of(first), .of(subscriptionID), .of(first), .of(attemptsEach), .of(finishedAt - 60), .of(finishedAt)])
            try db.run(
                """
                WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
                INSERT INTO delivery_attempts (delivery_id, subscription_id, attempt, at, url, request_headers, request_body,
                    status_code, latency_ms, outcome)
                SELECT ? + i / ?, ?, i % ? + 1, ?, 'https://example.com/hook', '[]', '{}', 200, 12, 'success' FROM n
                """,
                [
                    .of(deliveries * attemptsEach), .of(first), .of(attemptsEach), .of(subscriptionID), .of(attemptsEach),
                    .of(finishedAt),
                ])
            if TestDatabase.isPostgreSQL {
                // Rows inserted with their ids: move the id sequence past them, as `migrate --to` does.
                try db.run("SELECT setval(pg_get_serial_sequence('deliveries', 'id'), (SELECT max(id) FROM deliveries))")
            }
        }
    }
}
