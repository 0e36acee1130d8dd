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
        try db.run(
            """
            INSERT INTO deliveries (subscription_id, event_id, event_type, body, is_test, state, next_attempt_at, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .of(subscriptionID), .text(eventID), .text(eventType), .text(body), .of(isTest),
                .of(due == nil ? DeliveryState.sending : .pending),
                .of(due), .of(now),
            ])
        return db.lastInsertID
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
            try write(
                record, deliveryID: deliveryID, subscriptionID: subscriptionID, nextAttemptAt: nextAttemptAt, giveUp: giveUp,
                updatesFailingClock: updatesFailingClock, now: now)
        }
    }

    /// Records a worker's attempt and releases its claim, only while `claim` still holds the
    /// delivery (same transaction); nil when the claim was lost to another worker.
    @discardableResult
    public func record(
        _ record: AttemptRecord, claim: String, deliveryID: Int, subscriptionID: Int, nextAttemptAt: Int?, giveUp: Bool, now: Int
    ) throws -> Int? {
        try db.transaction {
            let released = try db.run(
                "UPDATE deliveries SET claim = NULL, claimed_until = NULL WHERE id = ? AND claim = ?", [.of(deliveryID), .text(claim)])
            guard released == 1 else { return nil }
            return try write(
                record, deliveryID: deliveryID, subscriptionID: subscriptionID, nextAttemptAt: nextAttemptAt, giveUp: giveUp,
                updatesFailingClock: true, now: now)
        }
    }

    /// The body of both `record`s; runs inside the caller's transaction.
    private func write(
        _ record: AttemptRecord, deliveryID: Int, subscriptionID: Int, nextAttemptAt: Int?, giveUp: Bool, updatesFailingClock: Bool,
        now: Int
    ) throws -> Int {
        let number = (try db.query("SELECT attempts FROM deliveries WHERE id = ?", [.of(deliveryID)]).first?.int("attempts") ?? 0) + 1
        let headers = JSONValue.array(record.requestHeaders.map { .array([.string($0.name), .string($0.value)]) }).serialized()
        try db.run(
            """
            INSERT INTO delivery_attempts (delivery_id, subscription_id, attempt, at, url, request_headers, request_body,
                status_code, latency_ms, outcome, message, response_excerpt)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .of(deliveryID), .of(subscriptionID), .of(number), .of(now), .text(record.url), .text(headers),
                .text(record.requestBody),
                .of(record.statusCode), .double(record.latencyMilliseconds), .of(record.outcome), .text(record.message),
                .text(record.responseExcerpt),
            ])
        let attemptID = db.lastInsertID
        let succeeded = record.outcome.succeeded
        let state: DeliveryState = succeeded ? .succeeded : (giveUp || nextAttemptAt == nil ? .failed : .pending)
        try db.run(
            "UPDATE deliveries SET attempts = ?, state = ?, next_attempt_at = ? WHERE id = ?",
            [.of(number), .of(state), succeeded ? .null : .of(nextAttemptAt), .of(deliveryID)])
        try db.run(
            "UPDATE subscriptions SET last_delivery_at = ?, last_delivery_outcome = ?, last_delivery_status = ? WHERE id = ?",
            [.of(now), .of(record.outcome), .of(record.statusCode), .of(subscriptionID)])
        if updatesFailingClock {
            try db.run(
                "UPDATE subscriptions SET failing_since = CASE WHEN ? THEN NULL ELSE coalesce(failing_since, ?) END WHERE id = ?",
                [.of(succeeded), .of(now), .of(subscriptionID)])
        }
        return attemptID
    }

    static let deliveryColumns = "id, subscription_id, event_id, event_type, body, is_test, state, attempts, next_attempt_at, created_at"

    /// Claims due, unleased deliveries with one `UPDATE … RETURNING` under the write lock.
    public func claimDue(now: Int, lease: Int, limit: Int = 100) throws -> DeliveryClaim {
        let token = Identifier.token()
        let until = now + max(lease, 1)
        let rows = try db.transaction {
            try db.query(
                """
                UPDATE deliveries SET claimed_until = ?, claim = ?
                WHERE id IN (
                    SELECT id FROM deliveries
                    WHERE state = ? AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)
                    ORDER BY next_attempt_at, id LIMIT ?)
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

    /// Cancels a delivery that came due while its subscription was inactive or disabled.
    public func cancel(deliveryID: Int) throws {
        try db.run(
            "UPDATE deliveries SET state = ?, next_attempt_at = NULL, claim = NULL, claimed_until = NULL WHERE id = ?",
            [.of(DeliveryState.cancelled), .of(deliveryID)])
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

    /// Disables a subscription automatically (410 Gone, or failing for too long), with the reason shown in the inventory.
    public func disable(subscriptionID: Int, reason: String, now: Int) throws {
        try db.transaction {
            guard
                let name = try db.query("SELECT name FROM subscriptions WHERE id = ? AND disabled_reason IS NULL", [.of(subscriptionID)])
                    .first?.text("name")
            else { return }
            try db.run(
                "UPDATE subscriptions SET disabled_reason = ?, disabled_at = ?, version = version + 1 WHERE id = ?",
                [.text(reason), .of(now), .of(subscriptionID)])
            try db.run(
                "UPDATE deliveries SET state = ?, next_attempt_at = NULL WHERE subscription_id = ? AND state = ?",
                [.of(DeliveryState.failed), .of(subscriptionID), .of(DeliveryState.pending)])
            var changes = AuditChanges()
            changes.add("disabled", nil, reason)
            try AuditLog(db).record(
                actor: "hookline (automatic)", action: .disable, subscriptionID: subscriptionID, name: name, changes: changes, now: now)
        }
    }
}
