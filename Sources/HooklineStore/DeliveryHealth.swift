/// How a subscription's deliveries went lately, for the inventory row.
public struct DeliveryHealth: Sendable, Equatable {
    /// Attempts made in the window (24 h), and how many of them succeeded.
    public var attempts: Int
    public var succeeded: Int
    /// The last successful attempt ever, if any.
    public var lastSuccessAt: Int?

    public init(attempts: Int = 0, succeeded: Int = 0, lastSuccessAt: Int? = nil) {
        self.attempts = attempts
        self.succeeded = succeeded
        self.lastSuccessAt = lastSuccessAt
    }

    /// Whole percent of attempts that succeeded; nil without attempts.
    public var successRate: Int? {
        attempts == 0 ? nil : Int((Double(succeeded) * 100 / Double(attempts)).rounded(.down))
    }
}

/// Attempts and failures in one hour, for the subscription page's chart.
public struct HourlyAttempts: Sendable, Equatable {
    /// The hour's start, unix seconds.
    public let hour: Int
    public let attempts: Int
    public let failures: Int

    public init(hour: Int, attempts: Int, failures: Int) {
        self.hour = hour
        self.attempts = attempts
        self.failures = failures
    }
}

extension DeliveryLog {
    /// `(outcome = 'success')`, spelled exactly as the expression indexes of migration 3 are, so
    /// queries that filter on it use them (a bound parameter would not).
    static func succeeded(_ column: String = "outcome") -> String { "(\(column) = '\(AttemptOutcome.success.rawValue)')" }

    /// Health of each subscription in `ids` over `[since, now]`, from the indexes on
    /// (subscription, time) and (subscription, success, time): the cost follows the page of
    /// subscriptions and their recent attempts, not the whole log.
    public func health(subscriptionIDs ids: [Int], since: Int) throws -> [Int: DeliveryHealth] {
        guard !ids.isEmpty else { return [:] }
        // One statement for the whole page (the ids as a JSON array, so the SQL text and its
        // prepared statement stay the same whatever the page size); each subquery is an index lookup.
        let rows = try db.query(
            """
            SELECT CAST(j.value AS BIGINT) AS id,
                (SELECT count(*) FROM delivery_attempts a WHERE a.subscription_id = j.value AND a.at >= ?) AS attempts,
                (SELECT coalesce(sum(CASE WHEN a.outcome = ? THEN 1 ELSE 0 END), 0) FROM delivery_attempts a
                    WHERE a.subscription_id = j.value AND a.at >= ?) AS succeeded,
                (SELECT max(a.at) FROM delivery_attempts a
                    WHERE a.subscription_id = j.value AND \(db.dialect.holds(Self.succeeded("a.outcome")))) AS last
            FROM \(db.dialect.integerTable("j"))
            """,
            [
                .of(since), .of(AttemptOutcome.success), .of(since),
                db.dialect.integers(ids),
            ])
        var result: [Int: DeliveryHealth] = [:]
        for row in rows {
            result[try row.int("id")] = DeliveryHealth(
                attempts: try row.int("attempts"), succeeded: try row.int("succeeded"), lastSuccessAt: try row.optionalInt("last"))
        }
        return result
    }

    /// Attempts and failures per hour of one subscription from `since` on; hours without
    /// attempts are left out.
    public func hourly(subscriptionID: Int, since: Int) throws -> [HourlyAttempts] {
        try db.query(
            """
            SELECT at / 3600 * 3600 AS hour, count(*) AS attempts, coalesce(sum(CASE WHEN outcome <> ? THEN 1 ELSE 0 END), 0) AS failures
            FROM delivery_attempts WHERE subscription_id = ? AND at >= ? GROUP BY at / 3600 ORDER BY hour
            """, [.of(AttemptOutcome.success), .of(subscriptionID), .of(since)]
        ).map { row throws(StoreError) in
            HourlyAttempts(hour: try row.int("hour"), attempts: try row.int("attempts"), failures: try row.int("failures"))
        }
    }
}
