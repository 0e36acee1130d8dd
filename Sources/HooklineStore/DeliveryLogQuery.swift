/// The all-deliveries log's filters and position, as they appear in the query string.
public struct DeliveryLogQuery: Sendable, Equatable {
    /// What an admin filters by: how attempts ended, or where their delivery is now.
    public enum Status: String, Sendable, CaseIterable {
        /// Attempts that succeeded.
        case delivered
        /// Attempts that failed.
        case failed
        /// Attempts of deliveries still waiting for a retry.
        case pending
        /// Attempts of deliveries held while their subscription is inactive or disabled.
        case held

        public var label: String {
            switch self {
            case .delivered: "Delivered"
            case .failed: "Failed"
            case .pending: "Pending retry"
            case .held: "Held"
            }
        }
    }

    public var status: Status? = nil
    public var eventType: String? = nil
    public var subscriptionID: Int? = nil
    /// Attempts at or after / before these unix times.
    public var since: Int? = nil
    public var until: Int? = nil
    /// Keyset paging: attempts older than `before`, or newer than `after` (attempt ids).
    public var before: Int? = nil
    public var after: Int? = nil
    public var pageSize = 50

    public init() {}
}

/// One page of the all-deliveries log, newest first, with the ids to page on.
public struct DeliveryLogPage: Sendable {
    public let attempts: [DeliveryAttempt]
    /// Subscription id → name, for the rows (deleted subscriptions take their attempts along).
    public let subscriptionNames: [Int: String]
    public let hasOlder: Bool
    public let hasNewer: Bool
}

extension DeliveryLog {
    /// Attempts across all subscriptions, newest first, filtered. Every filter runs on an index
    /// (result, subscription, time, or the delivery's state) and the page is read by keyset, so
    /// the cost follows the page, not the log.
    public func log(_ query: DeliveryLogQuery) throws -> DeliveryLogPage {
        var conditions: [String] = []
        var bindings: [SQLValue] = []
        func filter(_ condition: String, _ value: SQLValue? = nil) {
            conditions.append(condition)
            if let value { bindings.append(value) }
        }
        switch query.status {
        case .delivered?: filter(db.dialect.holds(Self.succeeded("a.outcome")))
        case .failed?: filter(db.dialect.holds(Self.succeeded("a.outcome"), false))
        case .pending?: filter("d.state = ?", .of(DeliveryState.pending))
        case .held?: filter("d.state = ?", .of(DeliveryState.held))
        case nil: break
        }
        if let event = query.eventType { filter("d.event_type = ?", .text(event)) }
        if let id = query.subscriptionID { filter("a.subscription_id = ?", .of(id)) }
        if let since = query.since { filter("a.at >= ?", .of(since)) }
        if let until = query.until { filter("a.at < ?", .of(until)) }
        var page = conditions
        var pageBindings = bindings
        let newestFirst = query.after == nil
        if let before = query.before {
            page.append("a.id < ?")
            pageBindings.append(.of(before))
        } else if let after = query.after {
            page.append("a.id > ?")
            pageBindings.append(.of(after))
        }
        let whereClause = page.isEmpty ? "" : "WHERE " + page.joined(separator: " AND ")
        let rows = try db.query(
            """
            SELECT \(Self.attemptColumns) FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
            \(whereClause) ORDER BY a.id \(newestFirst ? "DESC" : "ASC") LIMIT ?
            """, pageBindings + [.of(query.pageSize + 1)])
        var attempts = try rows.prefix(query.pageSize).map { row throws(StoreError) in try Self.attempt(from: row) }
        let more = rows.count > query.pageSize
        if !newestFirst { attempts.reverse() }

        // Is there anything on the other side of this page?
        var otherSide = false
        if let edge = newestFirst ? attempts.first?.id : attempts.last?.id, query.before != nil || query.after != nil {
            let sideWhere = (conditions + [newestFirst ? "a.id > ?" : "a.id < ?"]).joined(separator: " AND ")
            otherSide = try !db.query(
                "SELECT 1 AS found FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE \(sideWhere) LIMIT 1",
                bindings + [.of(edge)]
            ).isEmpty
        }

        var names: [Int: String] = [:]
        for id in Set(attempts.map(\.subscriptionID)) {
            names[id] = try db.query("SELECT name FROM subscriptions WHERE id = ?", [.of(id)]).first?.text("name")
        }
        return DeliveryLogPage(
            attempts: attempts, subscriptionNames: names, hasOlder: newestFirst ? more : otherSide, hasNewer: newestFirst ? otherSide : more
        )
    }
}
