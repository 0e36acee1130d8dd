import HooklineCGI
import HooklineStore

/// Operations (DESIGN §9) over the API: `POST /subscriptions/{id}/recover` and `GET /metrics`.
enum OperationsEndpoint {
    /// Re-queues the subscription's failed deliveries since `since` (RFC 3339), through the same
    /// store call as the console's Recover; audited as `token:<name>`. `202 {"queued": n}`.
    @Sendable static func recover(_ context: APIContext, _ parameters: [Int]) throws -> Response {
        let subscription = try SubscriptionsEndpoint.load(context, parameters[0])
        var body = try JSONBody(context.request, allowed: ["since"])
        let text = body.string("since")
        if !body.has("since") { body.fail("since", "Required: an RFC 3339 time, like 2026-04-19T14:30:00Z.") }
        var since: Int? = nil
        if let text, body.errors["since"] == nil {
            since = rfc3339(text)
            if since == nil { body.fail("since", "Not an RFC 3339 time with seconds and offset, like 2026-04-19T14:30:00Z.") }
        }
        guard body.errors.isEmpty, let since else { throw Problem.invalid(body.errors, detail: "Nothing was re-queued.") }
        let queued = try context.store.deliveries.recover(
            subscriptionID: subscription.id, since: since, actor: context.token.actor, now: context.now)
        return .json(.object([("queued", .int(queued))]), status: HTTPStatus(202, "Accepted"))
    }

    /// A full RFC 3339 date-time (seconds and a `Z` or `±hh:mm` offset required), as unix time.
    static func rfc3339(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"), bytes[16] == UInt8(ascii: ":"),
            let last = bytes.last,
            last == UInt8(ascii: "Z") || last == UInt8(ascii: "z") || bytes[bytes.count - 6] == UInt8(ascii: "+")
                || bytes[bytes.count - 6] == UInt8(ascii: "-")
        else { return nil }
        return Timestamp.parse(text)
    }

    /// The Prometheus text of DESIGN §9, rendered by the same code as the console's `/metrics`.
    @Sendable static func metrics(_ context: APIContext, _ parameters: [Int]) throws -> Response {
        let text = try Metrics.render(store: context.store, now: context.now)
        return Response(
            status: .ok, headers: [("Content-Type", Metrics.contentType), ("Cache-Control", "no-store")], body: Array(text.utf8))
    }
}
