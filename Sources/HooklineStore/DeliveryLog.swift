/// A delivery: one event for one subscription, tried until it succeeds or gives up.
public struct Delivery: Sendable {
    public let id: Int
    public let subscriptionID: Int
    public let eventID: String
    public let eventType: String
    /// The envelope JSON; each attempt signs these exact bytes with a fresh timestamp.
    public let body: String
    public let isTest: Bool
    public let state: DeliveryState
    public let attempts: Int
    public let nextAttemptAt: Int?
    public let createdAt: Int
}

/// Due deliveries one worker has claimed until `until` (see ``DeliveryBackend/claimDue(now:lease:limit:)``).
public struct DeliveryClaim: Sendable {
    /// Names this claim; a worker records its attempts with it, and only while it still holds them.
    public let token: String
    /// Unix seconds when the lease ends and another worker may claim these deliveries again.
    public let until: Int
    /// The claimed deliveries, oldest due first.
    public let deliveries: [Delivery]
}

/// One recorded attempt, as the delivery log shows it.
public struct DeliveryAttempt: Sendable {
    public let id: Int
    public let deliveryID: Int
    public let subscriptionID: Int
    public let attempt: Int
    public let at: Int
    public let url: String
    public let requestHeaders: [(name: String, value: String)]
    public let requestBody: String
    public let statusCode: Int?
    public let latencyMilliseconds: Double
    /// Success, or the class of failure.
    public let outcome: AttemptOutcome
    public let message: String
    public let responseExcerpt: String
    public let eventID: String
    public let eventType: String
    public let isTest: Bool

    public var succeeded: Bool { outcome.succeeded }
}

/// What happened on one attempt, to be recorded.
public struct AttemptRecord: Sendable {
    public var url: String
    public var requestHeaders: [(name: String, value: String)]
    public var requestBody: String
    public var statusCode: Int?
    public var latencyMilliseconds: Double
    public var outcome: AttemptOutcome
    public var message: String
    public var responseExcerpt: String

    public init(
        url: String, requestHeaders: [(name: String, value: String)], requestBody: String, statusCode: Int?,
        latencyMilliseconds: Double, outcome: AttemptOutcome, message: String, responseExcerpt: String
    ) {
        self.url = url
        self.requestHeaders = requestHeaders
        self.requestBody = requestBody
        self.statusCode = statusCode
        self.latencyMilliseconds = latencyMilliseconds
        self.outcome = outcome
        self.message = message
        self.responseExcerpt = responseExcerpt
    }
}

/// Deliveries and their attempts, in SQLite.
public struct DeliveryLog: DeliveryBackend {
    let db: Database

    public init(_ db: Database) { self.db = db }

    static let attemptColumns = """
        a.id, a.delivery_id, a.subscription_id, a.attempt, a.at, a.url, a.request_headers, a.request_body, a.status_code,
        a.latency_ms, a.outcome, a.message, a.response_excerpt, d.event_id, d.event_type, d.is_test
        """

    static func attempt(from row: Row) throws(StoreError) -> DeliveryAttempt {
        var headers: [(name: String, value: String)] = []
        if case .array(let items)? = try? JSONValue(parsing: try row.text("request_headers")) {
            for item in items {
                if case .array(let pair) = item, pair.count == 2, let name = pair[0].stringValue, let value = pair[1].stringValue {
                    headers.append((name, value))
                }
            }
        }
        return DeliveryAttempt(
            id: try row.int("id"), deliveryID: try row.int("delivery_id"), subscriptionID: try row.int("subscription_id"),
            attempt: try row.int("attempt"), at: try row.int("at"), url: try row.text("url"), requestHeaders: headers,
            requestBody: try row.text("request_body"), statusCode: try row.optionalInt("status_code"),
            latencyMilliseconds: try row.double("latency_ms"), outcome: try row.enumValue("outcome", as: AttemptOutcome.self),
            message: try row.text("message"), responseExcerpt: try row.text("response_excerpt"), eventID: try row.text("event_id"),
            eventType: try row.text("event_type"), isTest: try row.bool("is_test"))
    }

    /// A subscription's attempts, newest first, one page at a time (one row more is read to know if there is a next page).
    public func attempts(subscriptionID: Int, page: Int, pageSize: Int = 50) throws -> (attempts: [DeliveryAttempt], hasNextPage: Bool) {
        let rows = try db.query(
            """
            SELECT \(Self.attemptColumns) FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
            WHERE a.subscription_id = ? ORDER BY a.id DESC LIMIT ? OFFSET ?
            """, [.of(subscriptionID), .of(pageSize + 1), .of((max(page, 1) - 1) * pageSize)])
        return (try rows.prefix(pageSize).map { row throws(StoreError) in try Self.attempt(from: row) }, rows.count > pageSize)
    }

    public func attempt(id: Int, subscriptionID: Int) throws -> DeliveryAttempt? {
        try db.query(
            """
            SELECT \(Self.attemptColumns) FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
            WHERE a.id = ? AND a.subscription_id = ?
            """, [.of(id), .of(subscriptionID)]
        ).first.map { row throws(StoreError) in try Self.attempt(from: row) }
    }

    public func delivery(id: Int) throws -> Delivery? {
        try db.query(
            """
            SELECT id, subscription_id, event_id, event_type, body, is_test, state, attempts, next_attempt_at, created_at
            FROM deliveries WHERE id = ?
            """, [.of(id)]
        ).first.map { row throws(StoreError) in try Self.delivery(from: row) }
    }

    static func delivery(from row: Row) throws(StoreError) -> Delivery {
        Delivery(
            id: try row.int("id"), subscriptionID: try row.int("subscription_id"), eventID: try row.text("event_id"),
            eventType: try row.text("event_type"), body: try row.text("body"), isTest: try row.bool("is_test"),
            state: try row.enumValue("state", as: DeliveryState.self), attempts: try row.int("attempts"),
            nextAttemptAt: try row.optionalInt("next_attempt_at"), createdAt: try row.int("created_at"))
    }

    /// Creates a delivery. `due` nil means it is sent right away by the caller (test sends, resends).
    public func createDelivery(subscriptionID: Int, eventID: String, eventType: String, body: String, isTest: Bool, due: Int?, now: Int)
        throws -> Int
    {
        try db.insert(
            """
            INSERT INTO deliveries (subscription_id, event_id, event_type, body, is_test, state, next_attempt_at, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .of(subscriptionID), .text(eventID), .text(eventType), .text(body), .of(isTest),
                .of(due == nil ? DeliveryState.sending : .pending),
                .of(due), .of(now),
            ])
    }

    /// Records an attempt, updates the delivery's state and the subscription's "last delivery".
    /// `nextAttemptAt` nil means no retry. Only with `updatesFailingClock` (the worker's attempts)
    /// does a failure start the subscription's failing streak and a success end it: test sends and
    /// resends leave it alone. Returns the attempt id.
    @discardableResult
    public func record(
        _ record: AttemptRecord, deliveryID: Int, subscriptionID: Int, nextAttemptAt: Int?, giveUp: Bool, updatesFailingClock: Bool,
        now: Int
    ) throws -> Int {
        try db.transaction {
            guard
                let attemptID = try write(
                    record, deliveryID: deliveryID, subscriptionID: subscriptionID, nextAttemptAt: nextAttemptAt, giveUp: giveUp,
                    updatesFailingClock: updatesFailingClock, claim: nil, now: now)
            else { throw StoreError("delivery \(deliveryID) no longer exists; its attempt was not recorded") }
            return attemptID
        }
    }

    /// Records a worker's attempt and releases its claim, only while `claim` still holds the
    /// delivery (same transaction); nil when the claim was lost to another worker.
    @discardableResult
    public func record(
        _ record: AttemptRecord, claim: String, deliveryID: Int, subscriptionID: Int, nextAttemptAt: Int?, giveUp: Bool, now: Int
    ) throws -> Int? {
        try db.transaction(.rowLocks) {
            try write(
                record, deliveryID: deliveryID, subscriptionID: subscriptionID, nextAttemptAt: nextAttemptAt, giveUp: giveUp,
                updatesFailingClock: true, claim: claim, now: now)
        }
    }

    /// The body of both `record`s; runs inside the caller's transaction. The delivery is updated
    /// first — with a `claim`, only while that claim holds it, releasing it — and its new attempt
    /// count numbers the attempt. Nil, and nothing written, when there is no such delivery (or
    /// claim).
    private func write(
        _ record: AttemptRecord, deliveryID: Int, subscriptionID: Int, nextAttemptAt: Int?, giveUp: Bool, updatesFailingClock: Bool,
        claim: String?, now: Int
    ) throws -> Int? {
        let succeeded = record.outcome.succeeded
        let state: DeliveryState = succeeded ? .succeeded : (giveUp || nextAttemptAt == nil ? .failed : .pending)
        // A retry for a subscription switched off meanwhile waits as held, not pending.
        var update = """
            UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = ?, finished_at = ?,
                state = CASE WHEN ? = ? AND NOT EXISTS (
                    SELECT 1 FROM subscriptions s WHERE s.id = ? AND s.active = 1 AND s.disabled_reason IS NULL) THEN ? ELSE ? END
            """
        var bindings: [SQLValue] = [
            succeeded ? .null : .of(nextAttemptAt), state == .pending ? .null : .of(now), .of(state), .of(DeliveryState.pending),
            .of(subscriptionID), .of(DeliveryState.held), .of(state), .of(deliveryID),
        ]
        if let claim {
            update += ", claim = NULL, claimed_until = NULL WHERE id = ? AND claim = ?"
            bindings.append(.text(claim))
        } else {
            update += " WHERE id = ?"
        }
        guard let number = try db.query(update + " RETURNING attempts", bindings).first?.int("attempts") else { return nil }
        let attemptID = try db.insert(
            """
            INSERT INTO delivery_attempts (delivery_id, subscription_id, attempt, at, url, request_headers, request_body,
                status_code, latency_ms, outcome, message, response_excerpt)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .of(deliveryID), .of(subscriptionID), .of(number), .of(now), .text(record.url),
                .text(Self.json(headers: record.requestHeaders)),
                .text(record.requestBody),
                .of(record.statusCode), .double(record.latencyMilliseconds), .of(record.outcome), .text(record.message),
                .text(record.responseExcerpt),
            ])
        var lastDelivery = "last_delivery_at = ?, last_delivery_outcome = ?, last_delivery_status = ?"
        var lastBindings: [SQLValue] = [.of(now), .of(record.outcome), .of(record.statusCode)]
        if updatesFailingClock {
            lastDelivery += ", failing_since = CASE WHEN ? = 1 THEN NULL ELSE coalesce(failing_since, ?) END"
            lastBindings += [.of(succeeded), .of(now)]
        }
        try db.run("UPDATE subscriptions SET \(lastDelivery) WHERE id = ?", lastBindings + [.of(subscriptionID)])
        // Last: every recording worker updates these few rows, so on PostgreSQL their row locks
        // are held only from here to the commit.
        try countMetrics(record)
        return attemptID
    }

    /// `[["name","value"], …]`, the stored form of an attempt's request headers (what
    /// ``attempt(from:)`` reads back), written directly: one runs for every attempt.
    static func json(headers: [(name: String, value: String)]) -> String {
        var json = "["
        json.reserveCapacity(headers.reduce(2) { $0 + $1.name.utf8.count + $1.value.utf8.count + 8 })
        for (index, header) in headers.enumerated() {
            json += index == 0 ? "[" : ",["
            JSONValue.appendQuoted(header.name, to: &json)
            json += ","
            JSONValue.appendQuoted(header.value, to: &json)
            json += "]"
        }
        json += "]"
        return json
    }

    static let deliveryColumns = "id, subscription_id, event_id, event_type, body, is_test, state, attempts, next_attempt_at, created_at"

    /// Claims due, unleased deliveries with one `UPDATE … RETURNING` under the write lock.
    public func claimDue(now: Int, lease: Int, limit: Int = 100) throws -> DeliveryClaim {
        let token = Identifier.token()
        let until = now + max(lease, 1)
        let rows = try db.transaction(.rowLocks) {
            try db.query(
                """
                UPDATE deliveries SET claimed_until = ?, claim = ?
                WHERE id IN (
                    SELECT id FROM deliveries
                    WHERE state = ? AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)
                    ORDER BY next_attempt_at, id LIMIT ?\(db.dialect.skipLocked))
                RETURNING \(Self.deliveryColumns)
                """, [.of(until), .text(token), .of(DeliveryState.pending), .of(now), .of(now), .of(max(limit, 0))])
        }
        let deliveries = try rows.map { row throws(StoreError) in try Self.delivery(from: row) }
            .sorted { ($0.nextAttemptAt ?? 0, $0.id) < ($1.nextAttemptAt ?? 0, $1.id) }
        return DeliveryClaim(token: token, until: until, deliveries: deliveries)
    }

    /// Deliveries whose next attempt is due, oldest first.
    public func due(now: Int, limit: Int = 100) throws -> [Delivery] {
        try db.query(
            """
            SELECT id, subscription_id, event_id, event_type, body, is_test, state, attempts, next_attempt_at, created_at
            FROM deliveries WHERE state = ? AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?
            """, [.of(DeliveryState.pending), .of(now), .of(limit)]
        ).map { row throws(StoreError) in try Self.delivery(from: row) }
    }

    /// Counts one attempt in `delivery_metrics` (outcome, duration bucket, sum), inside the
    /// caller's transaction, so reading the metrics never scans the attempts.
    private func countMetrics(_ record: AttemptRecord) throws {
        // One statement for the three rows (their keys differ, as PostgreSQL requires).
        try db.run(
            """
            INSERT INTO delivery_metrics (name, label, value) VALUES (?, ?, ?), (?, ?, ?), (?, ?, ?)
            ON CONFLICT (name, label) DO UPDATE SET value = delivery_metrics.value + excluded.value
            """,
            [
                .text(Metrics.outcomeCounter), .of(record.outcome), .double(1),
                .text(Metrics.durationBucket), .text(Metrics.bucketLabel(milliseconds: record.latencyMilliseconds)), .double(1),
                .text(Metrics.durationSum), .text(""), .double(max(record.latencyMilliseconds, 0) / 1000),
            ])
    }

    /// Holds a claimed delivery whose subscription is inactive or disabled, releasing the claim.
    public func hold(deliveryID: Int) throws {
        try db.run(
            "UPDATE deliveries SET state = ?, next_attempt_at = NULL, claim = NULL, claimed_until = NULL WHERE id = ? AND state = ?",
            [.of(DeliveryState.held), .of(deliveryID), .of(DeliveryState.pending)])
    }

    /// Gives claimed deliveries back unattempted, while `claim` still holds them.
    public func release(claim: String, deliveryIDs: [Int]) throws {
        guard !deliveryIDs.isEmpty else { return }
        try db.run(
            """
            UPDATE deliveries SET claim = NULL, claimed_until = NULL
            WHERE claim = ? AND id IN (SELECT j.value FROM \(db.dialect.integerTable("j")))
            """, [.text(claim), db.dialect.integers(deliveryIDs)])
    }

    /// Holds every pending delivery of `subscriptionID`; runs inside the caller's transaction
    /// (switching off, disabling). A claim in flight stays: that worker still records its attempt.
    static func holdPending(_ db: Database, subscriptionID: Int) throws {
        try db.run(
            "UPDATE deliveries SET state = ?, next_attempt_at = NULL WHERE subscription_id = ? AND state = ?",
            [.of(DeliveryState.held), .of(subscriptionID), .of(DeliveryState.pending)])
    }

    public func heldCount(subscriptionID: Int) throws -> Int {
        try db.query(
            "SELECT count(*) AS n FROM deliveries WHERE subscription_id = ? AND state = ?",
            [.of(subscriptionID), .of(DeliveryState.held)]
        ).first?.int("n") ?? 0
    }

    /// Sends the held deliveries on (pending, due `now`), audited; returns how many.
    @discardableResult
    public func deliverHeld(subscriptionID: Int, actor: String, now: Int) throws -> Int {
        try settleHeld(subscriptionID: subscriptionID, deliver: true, actor: actor, now: now)
    }

    /// Discards the held deliveries (``DeliveryState/cancelled``), audited; returns how many.
    @discardableResult
    public func discardHeld(subscriptionID: Int, actor: String, now: Int) throws -> Int {
        try settleHeld(subscriptionID: subscriptionID, deliver: false, actor: actor, now: now)
    }

    private func settleHeld(subscriptionID: Int, deliver: Bool, actor: String, now: Int) throws -> Int {
        try db.transaction {
            guard let name = try db.query("SELECT name FROM subscriptions WHERE id = ?", [.of(subscriptionID)]).first?.text("name")
            else { return 0 }
            let count = try db.run(
                "UPDATE deliveries SET state = ?, next_attempt_at = ?, finished_at = ? WHERE subscription_id = ? AND state = ?",
                [
                    .of(deliver ? DeliveryState.pending : .cancelled), deliver ? .of(now) : .null, deliver ? .null : .of(now),
                    .of(subscriptionID), .of(DeliveryState.held),
                ])
            guard count > 0 else { return 0 }
            var changes = AuditChanges()
            changes.add("held deliveries", String(count), deliver ? "delivered" : "discarded")
            try AuditLog(db).record(
                actor: actor, action: deliver ? .deliverHeld : .discardHeld, subscriptionID: subscriptionID, name: name,
                changes: changes, now: now)
            return count
        }
    }

    /// Failed deliveries (not test sends) that gave up at or after `since`, for one subscription or all.
    public func failedCount(subscriptionID: Int?, since: Int) throws -> Int {
        let (condition, bindings) = Self.failedSince(subscriptionID: subscriptionID, since: since)
        return try db.query("SELECT count(*) AS n FROM deliveries WHERE \(condition)", bindings).first?.int("n") ?? 0
    }

    private static func failedSince(subscriptionID: Int?, since: Int) -> (String, [SQLValue]) {
        var condition = "state = ? AND is_test = 0 AND finished_at >= ?"
        var bindings: [SQLValue] = [.of(DeliveryState.failed), .of(since)]
        if let subscriptionID {
            condition += " AND subscription_id = ?"
            bindings.append(.of(subscriptionID))
        }
        return (condition, bindings)
    }

    /// Re-queues the failed deliveries counted by ``failedCount(subscriptionID:since:)``: due
    /// `now` (held instead where the subscription is off), audited; returns how many.
    @discardableResult
    public func recover(subscriptionID: Int?, since: Int, actor: String, now: Int) throws -> Int {
        try db.transaction {
            var name = "All webhooks"
            if let subscriptionID {
                guard let found = try db.query("SELECT name FROM subscriptions WHERE id = ?", [.of(subscriptionID)]).first else {
                    return 0
                }
                name = try found.text("name")
            }
            let (condition, bindings) = Self.failedSince(subscriptionID: subscriptionID, since: since)
            let count = try db.run(
                """
                UPDATE deliveries SET finished_at = NULL, next_attempt_at = ?,
                    state = CASE WHEN EXISTS (SELECT 1 FROM subscriptions s WHERE s.id = deliveries.subscription_id
                        AND s.active = 1 AND s.disabled_reason IS NULL) THEN ? ELSE ? END
                WHERE \(condition)
                """, [.of(now), .of(DeliveryState.pending), .of(DeliveryState.held)] + bindings)
            guard count > 0 else { return 0 }
            var changes = AuditChanges()
            changes.add("failed deliveries since \(Timestamp.display(since))", nil, "\(count) re-queued")
            try AuditLog(db).record(actor: actor, action: .recover, subscriptionID: subscriptionID, name: name, changes: changes, now: now)
            return count
        }
    }

    /// Deletes about `limit` rows — whole finished deliveries that finished before `before`,
    /// oldest first, with their attempts — in one short transaction; a delivery with more
    /// attempts than that loses them `limit` at a time first. Returns how many rows went.
    public func pruneFinished(before: Int, limit: Int) throws -> Int {
        let limit = max(limit, 1)
        return try db.transaction {
            let candidates = try db.query(
                "SELECT id, attempts FROM deliveries WHERE finished_at < ? ORDER BY finished_at, id LIMIT ?", [.of(before), .of(limit)])
            var chosen: [Int] = []
            var rows = 0
            for candidate in candidates {
                let id = try candidate.int("id")
                let cost = try candidate.int("attempts") + 1
                if rows + cost > limit {
                    guard chosen.isEmpty else { break }
                    let deleted = try db.run(
                        "DELETE FROM delivery_attempts WHERE id IN (SELECT id FROM delivery_attempts WHERE delivery_id = ? ORDER BY id LIMIT ?)",
                        [.of(id), .of(limit)])
                    try db.run("UPDATE deliveries SET attempts = attempts - ? WHERE id = ?", [.of(deleted), .of(id)])
                    return max(deleted, limit)
                }
                chosen.append(id)
                rows += cost
            }
            guard !chosen.isEmpty else { return 0 }
            let ids = db.dialect.integers(chosen)
            let list = "SELECT j.value FROM \(db.dialect.integerTable("j"))"
            let attempts = try db.run("DELETE FROM delivery_attempts WHERE delivery_id IN (\(list))", [ids])
            return try attempts + db.run("DELETE FROM deliveries WHERE id IN (\(list))", [ids])
        }
    }

    /// The metrics of DESIGN §9, from a handful of indexed reads.
    public func metrics(now: Int) throws -> MetricsSnapshot {
        var outcomes: [String: Int] = [:]
        var buckets = Array(repeating: 0, count: Metrics.bucketBounds.count + 1)
        var sum = 0.0
        let labels = Metrics.bucketBounds.map(Metrics.label) + ["+Inf"]
        for row in try db.query("SELECT name, label, value FROM delivery_metrics") {
            let name = try row.text("name")
            let label = try row.text("label")
            let value = try row.double("value")
            switch name {
            case Metrics.outcomeCounter: outcomes[label, default: 0] += Int(value)
            case Metrics.durationBucket: if let index = labels.firstIndex(of: label) { buckets[index] += Int(value) }
            case Metrics.durationSum: sum += value
            default: break
            }
        }
        let pending = try db.query(
            "SELECT count(*) AS n, min(next_attempt_at) AS oldest FROM deliveries WHERE state = ?", [.of(DeliveryState.pending)]
        ).first
        let held = try db.query("SELECT count(*) AS n FROM deliveries WHERE state = ?", [.of(DeliveryState.held)]).first
        var subscriptions: [SubscriptionStatus: Int] = [:]
        for row in try db.query(
            "SELECT active, disabled_reason IS NOT NULL AS disabled, count(*) AS n FROM subscriptions GROUP BY active, disabled_reason IS NOT NULL"
        ) {
            let status: SubscriptionStatus = try row.bool("disabled") ? .disabled : (try row.bool("active") ? .active : .inactive)
            subscriptions[status, default: 0] += try row.int("n")
        }
        let oldest = try pending?.optionalInt("oldest")
        return MetricsSnapshot(
            deliveriesByOutcome: outcomes, durationBuckets: buckets, durationSum: sum, durationCount: buckets.reduce(0, +),
            pending: try pending?.int("n") ?? 0, oldestPendingSeconds: oldest.map { max(now - $0, 0) } ?? 0,
            held: try held?.int("n") ?? 0, subscriptions: subscriptions)
    }

    /// Active subscriptions failing since `failingBefore` or earlier whose current failing episode
    /// no operator was told about yet.
    public func failingUnalerted(failingBefore: Int) throws -> [Int] {
        try db.query(
            """
            SELECT id FROM subscriptions WHERE failing_since <= ? AND active = 1 AND disabled_reason IS NULL
              AND failing_alerted_since IS DISTINCT FROM failing_since ORDER BY failing_since, id
            """, [.of(failingBefore)]
        ).map { row throws(StoreError) in try row.int("id") }
    }

    /// Marks the failing episode that began at `failingSince` as told; false when another worker
    /// already did (or the episode ended), so exactly one worker sends each alert.
    public func markFailingAlerted(subscriptionID: Int, failingSince: Int) throws -> Bool {
        try db.transaction {
            try db.run(
                """
                UPDATE subscriptions SET failing_alerted_since = failing_since
                WHERE id = ? AND failing_since = ? AND failing_alerted_since IS DISTINCT FROM failing_since
                """, [.of(subscriptionID), .of(failingSince)]) == 1
        }
    }

    /// Stores an emitted event and fans it out, in one transaction, to every active subscription
    /// that subscribes to its type and whose agent scope is empty or contains its agent.
    /// Returns the number of deliveries created (0 when the event id was already emitted).
    public func emit(eventID: String, eventType: String, agentUUID: String?, body: String, now: Int) throws -> Int {
        try db.transaction {
            guard try db.query("SELECT 1 FROM events WHERE event_id = ?", [.text(eventID)]).isEmpty else { return 0 }
            try db.run(
                "INSERT INTO events (event_id, event_type, agent_uuid, body, created_at) VALUES (?, ?, ?, ?, ?)",
                [.text(eventID), .text(eventType), .of(agentUUID), .text(body), .of(now)])
            return try db.run(
                """
                INSERT INTO deliveries (subscription_id, event_id, event_type, body, is_test, state, next_attempt_at, created_at)
                SELECT s.id, ?, ?, ?, 0, ?, ?, ? FROM subscriptions s
                JOIN subscription_events e ON e.subscription_id = s.id AND e.event_type = ?
                WHERE s.active = 1 AND s.disabled_reason IS NULL
                  AND (s.agent_count = 0 OR EXISTS (SELECT 1 FROM subscription_agents a WHERE a.subscription_id = s.id AND a.agent_uuid = ?))
                """,
                [
                    .text(eventID), .text(eventType), .text(body), .of(DeliveryState.pending), .of(now), .of(now), .text(eventType),
                    .text(agentUUID ?? ""),
                ])
        }
    }

    /// Disables a subscription automatically (410 Gone, or failing for too long), with the reason
    /// shown in the inventory; its pending deliveries are held.
    /// Returns false when it was already disabled (nothing changed).
    @discardableResult
    public func disable(subscriptionID: Int, reason: String, now: Int) throws -> Bool {
        try db.transaction {
            guard
                let name = try db.query("SELECT name FROM subscriptions WHERE id = ? AND disabled_reason IS NULL", [.of(subscriptionID)])
                    .first?.text("name")
            else { return false }
            try db.run(
                "UPDATE subscriptions SET disabled_reason = ?, disabled_at = ?, version = version + 1 WHERE id = ?",
                [.text(reason), .of(now), .of(subscriptionID)])
            try Self.holdPending(db, subscriptionID: subscriptionID)
            var changes = AuditChanges()
            changes.add("disabled", nil, reason)
            try AuditLog(db).record(
                actor: "hookline (automatic)", action: .disable, subscriptionID: subscriptionID, name: name, changes: changes, now: now)
            return true
        }
    }
}
