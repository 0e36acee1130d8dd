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
    static let succeededExpression = "(outcome = '\(AttemptOutcome.success.rawValue)')"

    /// Health of each subscription in `ids` over `[since, now]`, from the indexes on
    /// (subscription, time) and (subscription, success, time): the cost follows the page of
    /// subscriptions and their recent attempts, not the whole log.
    public func health(subscriptionIDs ids: [Int], since: Int) throws -> [Int: DeliveryHealth] {
        var result: [Int: DeliveryHealth] = [:]
        for id in ids {
            let window = try db.query(
                """
                SELECT count(*) AS attempts, coalesce(sum(outcome = ?), 0) AS succeeded
                FROM delivery_attempts WHERE subscription_id = ? AND at >= ?
                """, [.of(AttemptOutcome.success), .of(id), .of(since)]
            ).first
            let last = try db.query(
                "SELECT max(at) AS at FROM delivery_attempts WHERE subscription_id = ? AND \(Self.succeededExpression) = 1",
                [.of(id)]
            ).first
            result[id] = DeliveryHealth(
                attempts: try window?.int("attempts") ?? 0, succeeded: try window?.int("succeeded") ?? 0,
                lastSuccessAt: try last?.optionalInt("at"))
        }
        return result
    }

    /// Attempts and failures per hour of one subscription from `since` on; hours without
    /// attempts are left out.
    public func hourly(subscriptionID: Int, since: Int) throws -> [HourlyAttempts] {
        try db.query(
            """
            SELECT at / 3600 * 3600 AS hour, count(*) AS attempts, coalesce(sum(outcome <> ?), 0) AS failures
            FROM delivery_attempts WHERE subscription_id = ? AND at >= ? GROUP BY at / 3600 ORDER BY hour
            """, [.of(AttemptOutcome.success), .of(subscriptionID), .of(since)]
        ).map { row throws(StoreError) in
            HourlyAttempts(hour: try row.int("hour"), attempts: try row.int("attempts"), failures: try row.int("failures"))
        }
    }
}
