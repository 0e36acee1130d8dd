import HooklineCGI
import HooklineStore
import HooklineTemplates

/// `GET /deliveries`: every attempt across webhooks, newest first, with bookmarkable filters
/// (`status`, `event`, `subscription`, `since`, `until`) and keyset pages (`before`, `after`).
enum LogPage {
    @Sendable static func show(_ context: PageContext) throws -> Response {
        let query = try parseQuery(context.request.query)
        let store = try context.store
        let page = try store.deliveries.log(query)
        let events = try store.catalog.eventTypes()
        let filtered =
            query.status != nil || query.eventType != nil || query.subscriptionID != nil || query.since != nil
            || query.until != nil
        var values: TemplateDictionary = [
            "action": .text(context.links.log()),
            "status_options": .list(
                [PageValues.option("", "Any status", query.status == nil)]
                    + DeliveryLogQuery.Status.allCases.map { PageValues.option($0.rawValue, $0.label, query.status == $0) }),
            "event_options": .list(
                [PageValues.option("", "Any event", query.eventType == nil)]
                    + events.map { PageValues.option($0.name, $0.name, query.eventType == $0.name) }),
            "since": .text(query.since.map(Timestamp.minute) ?? ""),
            "until": .text(query.until.map(Timestamp.minute) ?? ""),
            "subscription": .text(query.subscriptionID.map { String($0) } ?? ""),
            "filtered": .bool(filtered),
            "clear_filters": .text(context.links.log()),
            "attempts": .list(
                page.attempts.map { attempt in
                    guard case .dict(var row) = PageValues.attempt(attempt, links: context.links) else { return .text("") }
                    row["webhook"] = .text(page.subscriptionNames[attempt.subscriptionID] ?? "#\(attempt.subscriptionID)")
                    return .dict(row)
                }),
            "has_newer": .bool(page.hasNewer),
            "has_older": .bool(page.hasOlder),
            "newer_link": .text(context.links.log(encode(query, after: page.attempts.first?.id))),
            "older_link": .text(context.links.log(encode(query, before: page.attempts.last?.id))),
        ]
        if let id = query.subscriptionID {
            values["subscription_name"] = .text(try store.subscriptions.find(id: id)?.name ?? "#\(id) (deleted)")
            values["subscription_link"] = .text(context.links.subscription(id))
        }
        return try context.page("log", title: "All deliveries", values)
    }

    /// Reads the filters; a value that makes no sense is a 400 that says what to send.
    static func parseQuery(_ form: FormData) throws -> DeliveryLogQuery {
        var query = DeliveryLogQuery()
        let filters = QueryFilters(form: form)
        let bad = QueryFilters.bad
        let single = filters.single
        let id = { (name: String) throws -> Int? in try filters.positive(name) }
        if let status = try single("status") {
            guard let value = DeliveryLogQuery.Status(rawValue: status) else {
                throw bad("Unknown status “\(status.prefix(40))”. Use delivered, failed, pending or held.")
            }
            query.status = value
        }
        if let event = try single("event") {
            guard EventType.isValidName(event) else { throw bad("“\(event.prefix(100))” is not an event type.") }
            query.eventType = event
        }
        query.subscriptionID = try id("subscription")
        for name in ["since", "until"] {
            guard let text = try single(name) else { continue }
            guard let time = Timestamp.parse(text) else {
                throw bad("`\(name)` must be a date and time like 2026-04-19T14:30 (UTC) or 2026-04-19T14:30:00+02:00.")
            }
            if name == "since" { query.since = time } else { query.until = time }
        }
        if let since = query.since, let until = query.until, until <= since {
            throw bad("`until` must come after `since`.")
        }
        query.before = try id("before")
        query.after = try id("after")
        if query.before != nil && query.after != nil { throw bad("Give `before` or `after`, not both.") }
        return query
    }

    /// The query string for `query` on another page.
    static func encode(_ query: DeliveryLogQuery, before: Int? = nil, after: Int? = nil) -> FormData {
        var form = FormData()
        if let status = query.status { form.append("status", status.rawValue) }
        if let event = query.eventType { form.append("event", event) }
        if let id = query.subscriptionID { form.append("subscription", String(id)) }
        if let since = query.since { form.append("since", Timestamp.minute(since)) }
        if let until = query.until { form.append("until", Timestamp.minute(until)) }
        if let before { form.append("before", String(before)) }
        if let after { form.append("after", String(after)) }
        return form
    }
}
