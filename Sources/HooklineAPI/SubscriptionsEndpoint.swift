import HooklineCGI
import HooklineCore
import HooklineSigning
import HooklineStore

/// `/subscriptions…`: the console's management pages as JSON, with the same rules
/// (``SubscriptionRules``) and the same store calls, audited as `token:<name>`.
enum SubscriptionsEndpoint {
    static let createFields: Set<String> = ["name", "url", "active", "agents", "events", "signature_scheme", "generate_secret"]
    static let updateFields: Set<String> = ["name", "url", "active", "agents", "events", "signature_scheme", "version"]

    /// A subscription as the API shows it: never the secret.
    static func json(_ s: Subscription) -> JSONValue {
        .object([
            ("id", .int(s.id)), ("name", .string(s.name)), ("url", .string(s.url)), ("active", .bool(s.active)),
            ("status", .string(s.status.rawValue)), ("disabled_reason", s.disabledReason.map(JSONValue.string) ?? .null),
            ("events", .array(s.eventTypes.map(JSONValue.string))), ("agents", .array(s.agentUUIDs.map(JSONValue.string))),
            ("signature_scheme", .string(s.signatureScheme.rawValue)), ("secret_set", .bool(s.hasSecret)), ("version", .int(s.version)),
            ("created", .string(Timestamp.iso(s.createdAt))), ("updated", .string(Timestamp.iso(s.updatedAt))),
        ])
    }

    static func load(_ context: APIContext, _ id: Int) throws -> Subscription {
        guard let subscription = try context.store.subscriptions.find(id: id) else {
            throw Problem.notFound("There is no subscription with id \(id).")
        }
        return subscription
    }

    /// A query parameter given at most once (`nil` when absent or empty).
    static func single(_ request: Request, _ name: String, _ errors: inout [String: [String]]) -> String? {
        let values = request.query.all(name)
        if values.count > 1 { errors[name, default: []].append("Given \(values.count) times; give it once.") }
        return values.first.map { $0.trimmingWhitespace }.flatMap { $0.isEmpty ? nil : $0 }
    }

    static func limit(_ request: Request, _ errors: inout [String: [String]]) -> Int {
        guard let text = single(request, "limit", &errors) else { return 50 }
        guard let value = Int(text), (1...100).contains(value) else {
            errors["limit", default: []].append("Must be an integer from 1 to 100.")
            return 50
        }
        return value
    }

    // MARK: Endpoints

    @Sendable static func list(_ context: APIContext, _ parameters: [Int]) throws -> Response {
        let request = context.request
        var errors: [String: [String]] = [:]
        var query = InventoryQuery()
        query.sort = .created
        query.pageSize = limit(request, &errors)
        if let q = single(request, "q", &errors) {
            if q.count > 200 { errors["q", default: []].append("At most 200 characters.") } else { query.text = q }
        }
        if let status = single(request, "status", &errors) {
            if let value = SubscriptionStatus(rawValue: status) {
                query.status = value
            } else {
                errors["status", default: []].append("Use active, inactive or disabled.")
            }
        }
        if let agent = single(request, "agent", &errors) {
            if Identifier.isUUID(agent) {
                query.agent = agent.lowercased()
            } else {
                errors["agent", default: []].append("Must be an agent's UUID.")
            }
        }
        if let event = single(request, "event", &errors) {
            if EventType.isValidName(event) { query.event = event } else { errors["event", default: []].append("Not an event type name.") }
        }
        if let after = single(request, "after", &errors) {
            let parts = after.split(separator: "-", omittingEmptySubsequences: false)
            if parts.count == 2, let created = Int(parts[0]), let id = Int(parts[1]), created >= 0, id > 0 {
                (query.afterCreated, query.afterID) = (created, id)
            } else {
                errors["after", default: []].append("Not a cursor from a previous page's `next`.")
            }
        }
        guard errors.isEmpty else { throw Problem.invalid(errors, detail: "Some query parameters are invalid.") }
        let page = try context.store.subscriptions.inventory(query)
        let last = page.rows.last?.subscription
        let next: JSONValue = page.hasNextPage && last != nil ? .string("\(last!.createdAt)-\(last!.id)") : .null
        var data: [JSONValue] = []
        for row in page.rows {
            // The inventory row carries the agents; the events need the full record.
            if let full = try context.store.subscriptions.find(id: row.subscription.id) { data.append(json(full)) }
        }
        return .json(.object([("data", .array(data)), ("next", next)]))
    }

    @Sendable static func read(_ context: APIContext, _ parameters: [Int]) throws -> Response {
        .json(json(try load(context, parameters[0])))
    }

    @Sendable static func create(_ context: APIContext, _ parameters: [Int]) throws -> Response {
        var body = try JSONBody(context.request, allowed: createFields)
        let name = body.string("name")?.trimmingWhitespace
        let url = body.string("url")?.trimmingWhitespace
        let active = body.bool("active") ?? true
        let generate = body.bool("generate_secret") ?? true
        let events = body.strings("events")
        let agents = body.strings("agents") ?? []
        let schemeText = body.string("signature_scheme")
        let scheme = schemeText.map { SignatureScheme(rawValue: $0) } ?? .hookline
        if schemeText != nil, scheme == nil, body.errors["signature_scheme"] == nil {
            body.fail("signature_scheme", SubscriptionRules.schemeMessage)
        }
        let draft = SubscriptionDraft(
            name: name ?? "", url: url ?? "", active: active, signatureScheme: scheme ?? .hookline,
            eventTypes: SubscriptionRules.normalizedEvents(events ?? []), agentUUIDs: SubscriptionRules.normalizedAgents(agents))
        try check(draft, body: body, context: context)
        let secret = generate ? try SigningSecret.generate() : nil
        let creation = try context.store.subscriptions.create(
            draft, secret: secret, creationToken: nil, revealBinding: nil, actor: context.token.actor, now: context.now)
        var value = json(try load(context, creation.id))
        if let secret { value.set("secret", .string(secret)) }
        var response = Response.json(value, status: HTTPStatus(201, "Created"))
        response.setHeader("Location", context.base + "/subscriptions/\(creation.id)")
        return response
    }

    /// Runs the form's rules on `draft`; a 422 with every field's messages when anything is wrong.
    static func check(_ draft: SubscriptionDraft, body: JSONBody, context: APIContext) throws {
        var errors = body.errors
        let catalog = context.store.catalog
        for (field, problem) in SubscriptionRules.problems(
            of: draft, agents: try catalog.agents(), events: try catalog.eventTypes(), config: context.config)
        where errors[field] == nil {
            errors[field] = [problem]
        }
        guard errors.isEmpty else { throw Problem.invalid(errors) }
    }

    @Sendable static func update(_ context: APIContext, _ parameters: [Int]) throws -> Response {
        let current = try load(context, parameters[0])
        var body = try JSONBody(context.request, allowed: updateFields)
        let version = body.int("version")
        if !body.has("version") { body.fail("version", "Required: the version you read (GET the subscription first).") }
        var draft = SubscriptionDraft(
            name: current.name, url: current.url, active: current.active && current.disabledReason == nil,
            signatureScheme: current.signatureScheme, eventTypes: current.eventTypes, agentUUIDs: current.agentUUIDs)
        if let name = body.string("name") { draft.name = name.trimmingWhitespace }
        if let url = body.string("url") { draft.url = url.trimmingWhitespace }
        if let active = body.bool("active") { draft.active = active }
        if let events = body.strings("events") { draft.eventTypes = SubscriptionRules.normalizedEvents(events) }
        if let agents = body.strings("agents") { draft.agentUUIDs = SubscriptionRules.normalizedAgents(agents) }
        if let schemeText = body.string("signature_scheme") {
            if let scheme = SignatureScheme(rawValue: schemeText) {
                draft.signatureScheme = scheme
            } else {
                body.fail("signature_scheme", SubscriptionRules.schemeMessage)
            }
        }
        // Only the fields sent are checked: an untouched field keeps what is stored.
        var errors = body.errors
        let catalog = context.store.catalog
        for (field, problem) in SubscriptionRules.problems(
            of: draft, agents: try catalog.agents(), events: try catalog.eventTypes(), config: context.config)
        where errors[field] == nil && body.has(field) {
            errors[field] = [problem]
        }
        guard errors.isEmpty, let version else { throw Problem.invalid(errors) }
        do {
            try context.store.subscriptions.update(
                id: current.id, with: draft, expectedVersion: version, actor: context.token.actor, now: context.now)
        } catch {
            throw refused(error, id: current.id)
        }
        return .json(json(try load(context, current.id)))
    }

    static func refused(_ error: ChangeError, id: Int) -> Problem {
        switch error {
        case .notFound:
            return Problem.notFound("There is no subscription with id \(id).")
        case .conflict(let current):
            var problem = Problem(
                .conflict, "conflict", "Changed meanwhile",
                "The subscription is at version \(current.version), not the one you sent; nothing was changed. Apply your change to `current` and send it with its version."
            )
            problem.extra = [("current", json(current))]
            return problem
        case .failed(let detail):
            return Problem.internalError(detail)
        }
    }

    @Sendable static func delete(_ context: APIContext, _ parameters: [Int]) throws -> Response {
        let current = try load(context, parameters[0])
        var errors: [String: [String]] = [:]
        var version: Int? = nil
        if let text = single(context.request, "version", &errors) {
            if let value = Int(text) { version = value } else { errors["version", default: []].append("Must be an integer.") }
        }
        guard errors.isEmpty else { throw Problem.invalid(errors, detail: "Some query parameters are invalid.") }
        do {
            try context.store.subscriptions.delete(id: current.id, expectedVersion: version, actor: context.token.actor, now: context.now)
        } catch {
            throw refused(error, id: current.id)
        }
        return .noContent
    }

    @Sendable static func rotateSecret(_ context: APIContext, _ parameters: [Int]) throws -> Response {
        let current = try load(context, parameters[0])
        let secret = try SigningSecret.generate()
        let graceUntil = context.now + context.config.secretGracePeriod
        do {
            // The binding is random and thrown away: the API answers the secret itself, so the
            // one-time reveal the store makes can never be opened (and expires in 15 minutes).
            _ = try context.store.subscriptions.replaceSecret(
                id: current.id, newSecret: secret, graceUntil: graceUntil, revealBinding: Identifier.token(), actor: context.token.actor,
                now: context.now)
        } catch {
            throw refused(error, id: current.id)
        }
        let previousSigns = current.hasSecret && context.config.secretGracePeriod > 0
        return .json(
            .object([
                ("secret", .string(secret)),
                ("previous_secret_valid_until", previousSigns ? .string(Timestamp.iso(graceUntil)) : .null),
                ("subscription", json(try load(context, current.id))),
            ]))
    }

    @Sendable static func removeSecret(_ context: APIContext, _ parameters: [Int]) throws -> Response {
        let current = try load(context, parameters[0])
        if current.hasSecret {
            do {
                _ = try context.store.subscriptions.replaceSecret(
                    id: current.id, newSecret: nil, graceUntil: nil, revealBinding: "", actor: context.token.actor, now: context.now)
            } catch {
                throw refused(error, id: current.id)
            }
        }
        return .noContent
    }

    /// Attempts newest first, optionally only `status` (delivered, failed, pending, held — as the
    /// console's all-deliveries log), read by keyset: `next` is the last attempt's id.
    @Sendable static func deliveries(_ context: APIContext, _ parameters: [Int]) throws -> Response {
        let current = try load(context, parameters[0])
        var errors: [String: [String]] = [:]
        var query = DeliveryLogQuery()
        query.subscriptionID = current.id
        query.pageSize = limit(context.request, &errors)
        if let status = single(context.request, "status", &errors) {
            if let value = DeliveryLogQuery.Status(rawValue: status) {
                query.status = value
            } else {
                errors["status", default: []].append("Use delivered, failed, pending or held.")
            }
        }
        if let after = single(context.request, "after", &errors) {
            if let value = Int(after), value > 0, String(value) == after {
                query.before = value
            } else {
                errors["after", default: []].append("Not a cursor from a previous page's `next`.")
            }
        }
        guard errors.isEmpty else { throw Problem.invalid(errors, detail: "Some query parameters are invalid.") }
        let page = try context.store.deliveries.log(query)
        let next: JSONValue = page.hasOlder ? page.attempts.last.map { .string(String($0.id)) } ?? .null : .null
        return .json(.object([("data", .array(page.attempts.map(json))), ("next", next)]))
    }

    /// An attempt as the API shows it: the request's headers (signatures, never the secret),
    /// the answer's status, latency and outcome.
    static func json(_ a: DeliveryAttempt) -> JSONValue {
        .object([
            ("id", .int(a.id)), ("delivery_id", .int(a.deliveryID)), ("attempt", .int(a.attempt)), ("at", .string(Timestamp.iso(a.at))),
            ("event_id", .string(a.eventID)), ("event_type", .string(a.eventType)), ("test", .bool(a.isTest)), ("url", .string(a.url)),
            ("status_code", a.statusCode.map(JSONValue.int) ?? .null),
            ("latency_ms", .number(String(Int(a.latencyMilliseconds.rounded())))),
            ("outcome", .string(a.outcome.rawValue)), ("succeeded", .bool(a.succeeded)), ("message", .string(a.message)),
            ("response_excerpt", .string(a.responseExcerpt)),
            (
                "request_headers",
                .array(a.requestHeaders.map { .object([("name", .string($0.name)), ("value", .string($0.value))]) })
            ),
        ])
    }
}
