import HooklineCGI

/// Every address of the console, built by name below the mount (`/webhooks`), as cgit's
/// `ui-shared.c` does: a page never spells out another page's path.
public struct Links: Sendable {
    /// The mount prefix without a trailing slash (`/webhooks`, or empty at the root).
    public let mount: String

    public init(mount: String) { self.mount = mount }

    private func path(_ path: String, _ query: FormData = FormData()) -> String {
        let base = mount + path
        return query.pairs.isEmpty ? base : base + "?" + query.urlEncoded
    }

    /// The inventory, with filters, sort, page or a notice in the query.
    /// `<mount>/<id><suffix>`, built by plain concatenation: the inventory asks for five of these per row.
    private func path(_ id: Int, _ suffix: String) -> String {
        mount + "/" + String(id) + suffix
    }

    public func inventory(_ query: FormData = FormData()) -> String { path("/", query) }
    public func inventory(notice: Notice, id: Int) -> String {
        inventory(FormData(pairs: [("notice", notice.rawValue), ("id", String(id))]))
    }
    public var new: String { path("/new") }
    public var audit: String { path("/audit") }
    /// Every attempt across webhooks, with filters in the query.
    public func log(_ query: FormData = FormData()) -> String { path("/deliveries", query) }
    /// The event catalogue: what a receiver gets.
    public var events: String { path("/events") }
    /// API tokens, with a notice after a revoke.
    public func tokens(notice: Notice? = nil) -> String {
        path("/tokens", notice.map { FormData(pairs: [("notice", $0.rawValue)]) } ?? FormData())
    }

    /// What was saved; `reveal` unlocks the one-time secret.
    public func subscription(_ id: Int, notice: Notice? = nil, reveal: String? = nil) -> String {
        if notice == nil && reveal == nil { return path(id, "") }
        var query = FormData()
        if let notice { query.append("notice", notice.rawValue) }
        if let reveal { query.append("reveal", reveal) }
        return path("/\(id)", query)
    }
    public func edit(_ id: Int) -> String { path(id, "/edit") }
    public func delete(_ id: Int) -> String { path(id, "/delete") }
    public func active(_ id: Int) -> String { path(id, "/active") }
    public func secret(_ id: Int) -> String { path(id, "/secret") }
    /// The test-send page; with `attempt`, showing that attempt's result.
    public func test(_ id: Int, attempt: Int? = nil) -> String {
        guard let attempt else { return path(id, "/test") }
        return path("/\(id)/test", FormData(pairs: [("attempt", String(attempt))]))
    }
    public func deliveries(_ id: Int, page: Int = 1) -> String {
        page > 1 ? path("/\(id)/deliveries", FormData(pairs: [("page", String(page))])) : path(id, "/deliveries")
    }
    public func attempt(_ id: Int, _ attempt: Int, notice: Notice? = nil) -> String {
        path("/\(id)/deliveries/\(attempt)", notice.map { FormData(pairs: [("notice", $0.rawValue)]) } ?? FormData())
    }
    public func resend(_ id: Int, _ attempt: Int) -> String { path("/\(id)/deliveries/\(attempt)/resend") }
    /// The choice after re-activating: deliver or discard the held deliveries.
    public func held(_ id: Int) -> String { path("/\(id)/held") }
    /// Re-queuing failed deliveries: of one subscription, or (nil) of all.
    public func recover(_ id: Int? = nil) -> String { path(id.map { "/\($0)/recover" } ?? "/recover") }
    /// The Prometheus metrics.
    public var metrics: String { path("/metrics") }

    /// A file of `Public/`, served by the web server under `<mount>/static/`.
    public func asset(_ file: String) -> String { path("/static/" + file) }
}
