import HooklineCGI
import HooklineStore

/// `POST /events`: one event or a batch, stored and fanned out in one transaction.
enum EventsEndpoint {
    @Sendable static func ingest(_ context: APIContext, _ parameters: [Int]) throws -> Response {
        let body = try JSONBody.value(of: context.request)
        let items: [JSONValue]
        let isBatch: Bool
        if case .object(let members) = body, members.contains(where: { $0.0 == "events" }) {
            guard members.count == 1 else {
                var errors: [String: [String]] = [:]
                for (key, _) in members where key != "events" { errors[key, default: []].append("Unknown field; a batch has only events.") }
                if errors.isEmpty { errors["events"] = ["This field appears more than once; send it once."] }
                throw Problem.invalid(errors)
            }
            guard case .array(let events)? = body["events"] else { throw Problem.invalid("events", "Must be an array of events.") }
            guard !events.isEmpty else { throw Problem.invalid("events", "Send at least one event.") }
            guard events.count <= EventIngestion.maximumBatch else {
                throw Problem.tooLarge(
                    "The batch has \(events.count) events; send at most \(EventIngestion.maximumBatch) per request. Nothing was stored.")
            }
            items = events
            isBatch = true
        } else {
            guard case .object = body else { throw Problem.invalid("body", "Send one event object or {\"events\": [ … ]}.") }
            items = [body]
            isBatch = false
        }

        let catalog = context.store.catalog
        var catalogue: [String: EventType] = [:]
        for type in try catalog.eventTypes() { catalogue[type.name] = type }
        var agents: [String: Agent] = [:]
        for agent in try catalog.agents() { agents[agent.uuid] = agent }
        let organization = try catalog.organization()
        let micros = Timestamp.nowMicroseconds()
        var errors: [String: [String]] = [:]
        var prepared: [PreparedEvent] = []
        prepared.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            if let event = EventIngestion.prepare(
                item, catalogue: catalogue, agents: agents, organization: organization, path: isBatch ? "events[\(index)]." : "",
                errors: &errors, nowMicroseconds: micros)
            {
                prepared.append(event)
            }
        }
        guard errors.isEmpty else {
            throw Problem.invalid(errors, detail: "Some events are invalid (see errors, by index); nothing was stored.")
        }
        let result = try context.store.deliveries.ingest(prepared, now: context.now)
        return .json(
            .object([
                ("accepted", .int(result.accepted)), ("duplicates", .int(result.duplicates)), ("deliveries", .int(result.deliveries)),
            ]), status: HTTPStatus(202, "Accepted"))
    }
}
