import HooklineCGI
import HooklineCore
import HooklineStore
import HooklineTemplates

/// `GET /`: the inventory table with bookmarkable filters, sorting and pages.
enum InventoryPage {
    @Sendable static func show(_ context: PageContext) throws -> Response {
        let query = try parseQuery(context.request.query)
        let store = try context.store
        // Every read of the page from one snapshot (with SQLite: one read lock, not one per statement).
        let (page, agents, events, health) = try store.reading {
            let page = try store.subscriptions.inventory(query)
            let health = try store.deliveries.health(
                subscriptionIDs: page.rows.map(\.subscription.id), since: context.now - 86400)
            return (page, try store.catalog.agents(), try store.catalog.eventTypes(), health)
        }
        CGIProcess.keepUntilExit((page, health))

        let filtered = !query.text.isEmpty || query.status != nil || query.agent != nil || query.event != nil
        var values: TemplateDictionary = [
            "rows": .list(page.rows.map { row(for: $0, health: health[$0.subscription.id] ?? DeliveryHealth(), context: context) }),
            "has_rows": .bool(!page.rows.isEmpty),
            "filtered": .bool(filtered),
            "empty_inventory": .bool(page.rows.isEmpty && !filtered && query.page == 1),
            "q": .text(query.text),
            "status_options": .list(
                [PageValues.option("", "Any status", query.status == nil)]
                    + SubscriptionStatus.allCases.map { PageValues.option($0.rawValue, $0.label, query.status == $0) }),
            "agent_options": .list(
                [PageValues.option("", "Any agent", query.agent == nil)]
                    + agents.map { PageValues.option($0.uuid, $0.name, query.agent == $0.uuid) }),
            "event_options": .list(
                [PageValues.option("", "Any event", query.event == nil)]
                    + events.map { PageValues.option($0.name, $0.name, query.event == $0.name) }),
            "sort": .text(query.sort.rawValue),
            "dir": .text(query.descending ? "desc" : "asc"),
            "clear_filters": .text(context.links.inventory()),
            "new_link": .text(context.links.new),
            "recover_link": .text(context.links.recover()),
            "page": .int(query.page),
            "has_previous": .bool(query.page > 1),
            "has_next": .bool(page.hasNextPage),
            "previous_link": .text(context.links.inventory(encode(query, page: query.page - 1))),
            "next_link": .text(context.links.inventory(encode(query, page: query.page + 1))),
            "first_row": .int((query.page - 1) * query.pageSize + 1),
            "last_row": .int((query.page - 1) * query.pageSize + page.rows.count),
        ]
        for key in InventoryQuery.SortKey.allCases {
            let current = query.sort == key
            var next = query
            next.sort = key
            next.descending = current ? !query.descending : false
            next.page = 1
            values["sort_\(key.rawValue)_link"] = .text(context.links.inventory(encode(next, page: 1)))
            values["sort_\(key.rawValue)_aria"] = .text(current ? (query.descending ? "descending" : "ascending") : "none")
            values["sort_\(key.rawValue)_mark"] = .text(current ? (query.descending ? "▼" : "▲") : "")
        }
        let notice = try noticeText(context)
        return try context.page("inventory", title: "Webhooks", notice: notice, values)
    }

    static func row(for row: InventoryRow, health: DeliveryHealth, context: PageContext) -> TemplateValue {
        let s = row.subscription
        let enabled = s.active && s.disabledReason == nil
        var values = PageValues.subscriptionRow(s, agentNames: row.agentNames, links: context.links)
        values["toggle_action"] = .text(context.links.active(s.id))
        values["toggle_value"] = .text(enabled ? "0" : "1")
        values["toggle_label"] = .text(enabled ? "Deactivate" : "Activate")
        values["version"] = .int(s.version)
        values["last_delivery"] = .bool(s.lastDeliveryAt != nil)
        if let at = s.lastDeliveryAt {
            values["last_delivery_label"] = .text(DeliveryWording.outcomeLabel(s.lastDeliveryOutcome, status: s.lastDeliveryStatus))
            values["last_delivery_class"] = .text(s.lastDeliveryOutcome == .success ? "ok" : "failed")
            values["last_delivery_time"] = .text(Timestamp.display(at))
        }
        values["health"] = PageValues.health(health, now: context.now)
        return .dict(values)
    }

    /// Reads `q`, `status`, `agent`, `event`, `sort`, `dir`, `page`; a value that makes no sense is a 400.
    static func parseQuery(_ form: FormData) throws -> InventoryQuery {
        var query = InventoryQuery()
        let single = QueryFilters(form: form).single
        let bad = QueryFilters.bad
        if let q = try single("q") {
            guard q.count <= 200 else { throw bad("The search text is longer than 200 characters.") }
            query.text = q
        }
        if let status = try single("status") {
            guard let value = SubscriptionStatus(rawValue: status) else {
                throw bad("Unknown status “\(status)”. Use active, inactive or disabled.")
            }
            query.status = value
        }
        if let agent = try single("agent") {
            guard Identifier.isUUID(agent) else { throw bad("The agent filter must be an agent's UUID.") }
            query.agent = agent.lowercased()
        }
        if let event = try single("event") {
            guard EventType.isValidName(event) else { throw bad("“\(event)” is not an event type.") }
            query.event = event
        }
        if let sort = try single("sort") {
            guard let key = InventoryQuery.SortKey(rawValue: sort) else {
                throw bad("Unknown sort “\(sort)”. Use name, url, status, events or created.")
            }
            query.sort = key
        }
        if let dir = try single("dir") {
            guard dir == "asc" || dir == "desc" else { throw bad("The sort direction must be asc or desc.") }
            query.descending = dir == "desc"
        }
        if let page = try single("page") {
            guard let number = Int(page), number >= 1, number <= 1_000_000 else {
                throw bad("The page must be a number from 1 upwards.")
            }
            query.page = number
        }
        return query
    }

    /// The query string for `query` at `page`, leaving defaults out so links stay short.
    static func encode(_ query: InventoryQuery, page: Int) -> FormData {
        var form = FormData()
        if !query.text.isEmpty { form.append("q", query.text) }
        if let status = query.status { form.append("status", status.rawValue) }
        if let agent = query.agent { form.append("agent", agent) }
        if let event = query.event { form.append("event", event) }
        if query.sort != .name { form.append("sort", query.sort.rawValue) }
        if query.descending { form.append("dir", "desc") }
        if page > 1 { form.append("page", String(page)) }
        return form
    }

    /// The notice after a redirect (`?notice=deleted&id=12`), naming the webhook as stored —
    /// a deleted one by its audit entry.
    static func noticeText(_ context: PageContext) throws -> String? {
        let query = context.request.query
        guard let notice = Notice(query: query) else { return nil }
        var name: String? = nil
        if let id = query["id"].flatMap(Int.init), id > 0 {
            if notice == .deleted {
                name = try context.store.audit.recent(limit: 1, subscriptionID: id).first?.subscriptionName
            } else {
                name = try context.store.subscriptions.find(id: id)?.name
            }
        }
        return notice.text(name: name)
    }
}
