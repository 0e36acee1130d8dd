import HooklineCGI
import HooklineStore
import HooklineTemplates

/// `GET /<id>/deliveries` (the log, newest first) and `GET /<id>/deliveries/<attempt>` (one attempt in full).
enum DeliveriesPage {
    @Sendable static func list(_ context: PageContext, _ parameters: RouteParameters) throws -> Response {
        let subscription = try context.subscription(parameters.id)
        let pageText = context.request.query["page"] ?? "1"
        guard let page = Int(pageText), page >= 1, page <= 1_000_000 else {
            throw PageFailure(status: .badRequest, title: "Bad page", message: "The page must be a number from 1 upwards.")
        }
        let log = DeliveryLog(try context.database())
        let (attempts, hasNext) = try log.attempts(subscriptionID: subscription.id, page: page)
        var values = SubscriptionPage.summary(subscription, context: context)
        values["attempts"] = .list(attempts.map { attemptValue($0, context: context) })
        values["page"] = .int(page)
        values["has_previous"] = .bool(page > 1)
        values["has_next"] = .bool(hasNext)
        values["previous_link"] = .text(context.link("/\(subscription.id)/deliveries", query: page > 2 ? FormData(pairs: [("page", String(page - 1))]) : FormData()))
        values["next_link"] = .text(context.link("/\(subscription.id)/deliveries", query: FormData(pairs: [("page", String(page + 1))])))
        return try context.page("deliveries", title: "Deliveries · \(subscription.name)", values)
    }

    @Sendable static func detail(_ context: PageContext, _ parameters: RouteParameters) throws -> Response {
        let subscription = try context.subscription(parameters.id)
        guard let attemptID = parameters["attempt"],
            let attempt = try DeliveryLog(try context.database()).attempt(id: attemptID, subscriptionID: subscription.id)
        else {
            throw PageFailure.notFound("There is no delivery attempt \(parameters["attempt"] ?? 0) for this webhook.")
        }
        var values = SubscriptionPage.summary(subscription, context: context)
        values["attempt"] = attemptValue(attempt, context: context)
        values["resend_action"] = .text(context.link("/\(subscription.id)/deliveries/\(attempt.id)/resend"))
        values["log_link"] = .text(context.link("/\(subscription.id)/deliveries"))
        return try context.page("delivery", title: "Delivery attempt · \(subscription.name)", notice: context.request.query["resent"] != nil ? "Sent again: this is the new attempt." : nil, values)
    }

    static func attemptValue(_ a: DeliveryAttempt, context: PageContext) -> TemplateValue {
        [
            "id": .int(a.id),
            "at": .text(Timestamp.display(a.at)),
            "at_iso": .text(Timestamp.iso(a.at)),
            "event_type": .text(a.eventType),
            "event_id": .text(a.eventID),
            "attempt_number": .int(a.attempt),
            "is_test": .bool(a.isTest),
            "succeeded": .bool(a.succeeded),
            "outcome_label": .text(DeliveryWording.outcomeLabel(a.outcome, status: a.statusCode)),
            "outcome_class": .text(a.succeeded ? "ok" : "failed"),
            "status_code": .text(a.statusCode.map(String.init) ?? "—"),
            "latency": .text(formatLatency(a.latencyMilliseconds)),
            "message": .text(a.message),
            "url": .text(a.url),
            "headers": .list(a.requestHeaders.map { ["name": .text($0.name), "value": .text($0.value)] }),
            "body": .text(a.requestBody),
            "response": .text(a.responseExcerpt),
            "has_response": .bool(!a.responseExcerpt.isEmpty),
            "link": .text(context.link("/\(a.subscriptionID)/deliveries/\(a.id)")),
        ]
    }

    /// `12 ms`, `1.4 s`.
    static func formatLatency(_ ms: Double) -> String {
        if ms < 1000 { return "\(Int(ms.rounded())) ms" }
        let tenths = Int((ms / 100).rounded())
        return "\(tenths / 10).\(tenths % 10) s"
    }
}
