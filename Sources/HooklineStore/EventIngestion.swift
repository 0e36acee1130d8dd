import HooklineCore

/// An event ready to be stored and fanned out: checked against the catalogue, envelope built.
public struct PreparedEvent: Sendable {
    public let eventID: String
    public let eventType: String
    public let agentUUID: String?
    /// The envelope JSON every delivery of this event carries.
    public let body: String
}

/// What ingesting a batch did (`202 {"accepted", "duplicates", "deliveries"}`).
public struct IngestResult: Sendable, Equatable {
    /// New events stored and fanned out.
    public var accepted = 0
    /// Events whose `event_id` was already ingested: not fanned out again.
    public var duplicates = 0
    /// Deliveries created.
    public var deliveries = 0

    public init() {}
}

/// The rules for events sent by the platform, shared by the API (`POST /events`) and
/// `hookline emit --batch`: one event is `{"event_type", "event_id"?, "agent_uuid"?, "data"?}`.
///
/// Reading never stores anything: ``prepare(_:catalogue:agents:organization:path:errors:)``
/// collects every problem, keyed by the field's path (`events[3].event_type`), so a batch with
/// one bad event is refused whole, with each fault named.
public enum EventIngestion {
    /// The most events one request (or one transaction of `emit --batch`) may carry.
    public static let maximumBatch = 1000
    public static let maximumEventIDLength = 100
    static let fields: Set<String> = ["event_type", "event_id", "agent_uuid", "data"]

    /// Checks one event object and builds its envelope; nil (with `errors` filled) when it is faulty.
    /// `path` prefixes the field names in `errors` (`""` for a single event, `events[3].` in a batch).
    public static func prepare(
        _ value: JSONValue, catalogue: [String: EventType], agents: [String: Agent], organization: Organization, path: String,
        errors: inout [String: [String]], nowMicroseconds: Int
    ) -> PreparedEvent? {
        func fail(_ field: String, _ message: String) { errors[path + field, default: []].append(message) }
        guard case .object(let members) = value else {
            fail(path.isEmpty ? "body" : String(path.dropLast()), "An event must be a JSON object.")
            return nil
        }
        let before = errors.count
        for (key, _) in members where !fields.contains(key) {
            fail(key, "Unknown field; an event has event_type, event_id, agent_uuid and data.")
        }
        var names: [String: Int] = [:]
        for (key, _) in members { names[key, default: 0] += 1 }
        for (key, count) in names where count > 1 { fail(key, "This field appears \(count) times; send it once.") }

        var eventType: EventType? = nil
        switch value["event_type"] {
        case nil: fail("event_type", "Required: the event type, for example “conversation.ended”.")
        case .string(let name)?:
            if let known = catalogue[name] {
                eventType = known
            } else {
                fail("event_type", "“\(name.prefix(100))” is not an event type in the catalogue.")
            }
        default: fail("event_type", "Must be a string.")
        }

        var eventID = Identifier.uuid()
        switch value["event_id"] {
        case nil, .null?: break
        case .string(let id)?:
            if let problem = eventIDProblem(id) { fail("event_id", problem) } else { eventID = id }
        default: fail("event_id", "Must be a string.")
        }

        var data = JSONValue.object([])
        switch value["data"] {
        case nil, .null?: break
        case .object(let members)?: data = .object(members)
        default: fail("data", "Must be a JSON object.")
        }

        var agent: Agent? = nil
        let agentField: String
        let agentValue: JSONValue?
        if let top = value["agent_uuid"], top != .null {
            (agentField, agentValue) = ("agent_uuid", top)
        } else {
            (agentField, agentValue) = ("data.agent_uuid", data["agent_uuid"])
        }
        switch agentValue {
        case nil, .null?: break
        case .string(let uuid)?:
            if let known = agents[uuid.lowercased()] {
                agent = known
            } else {
                fail(agentField, "“\(uuid.prefix(100))” is not an agent of this account.")
            }
        default: fail(agentField, "Must be a string (an agent's uuid).")
        }

        guard errors.count == before, let eventType else { return nil }
        if let agent {
            data.set("agent_uuid", .string(agent.uuid))
            data.set("agent_name", .string(agent.name))
        }
        let body = Envelope.build(
            eventID: eventID, eventType: eventType.name, createdMicroseconds: nowMicroseconds, organization: organization, data: data)
        return PreparedEvent(eventID: eventID, eventType: eventType.name, agentUUID: agent?.uuid, body: body)
    }

    /// The problem with an `event_id`, or nil: 1–100 characters of letters, digits and `-_.:`
    /// (it travels in the `X-Webhook-Id` header).
    public static func eventIDProblem(_ id: String) -> String? {
        guard !id.isEmpty, id.utf8.count <= maximumEventIDLength else {
            return "Must be 1–\(maximumEventIDLength) characters."
        }
        let allowed = id.utf8.allSatisfy { byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || "-_.:".utf8.contains(byte)
        }
        return allowed ? nil : "Use only letters, digits and - _ . : (it is sent in the X-Webhook-Id header)."
    }
}

extension DeliveryLog {
    /// Stores and fans out every event in one transaction, exactly as ``emit(eventID:eventType:agentUUID:body:now:)``
    /// does one: an `event_id` already stored (before or earlier in the batch) counts as a duplicate.
    public func ingest(_ events: [PreparedEvent], now: Int) throws -> IngestResult {
        try db.transaction {
            var result = IngestResult()
            for event in events {
                if try !db.query("SELECT 1 FROM events WHERE event_id = ?", [.text(event.eventID)]).isEmpty {
                    result.duplicates += 1
                    continue
                }
                result.deliveries += try emit(
                    eventID: event.eventID, eventType: event.eventType, agentUUID: event.agentUUID, body: event.body, now: now)
                result.accepted += 1
            }
            return result
        }
    }
}
