import HooklineCore
import HooklineSigning

/// An event type of the catalogue: `conversation.ended`, its group, what it means, a sample `data`.
public struct EventType: Sendable, Equatable {
    public let name: String
    public let group: String
    public let description: String
    /// The `data` object of a realistic sample envelope, as JSON text.
    public let sampleData: String

    public init(name: String, group: String? = nil, description: String, sampleData: String) {
        self.name = name
        self.group = group ?? EventType.groupName(for: name)
        self.description = description
        self.sampleData = sampleData
    }

    /// The entity before the first dot, capitalized: `conversation.ended` → `Conversation`.
    public static func groupName(for name: String) -> String {
        let entity = name.split(separator: ".").first.map(String.init) ?? name
        return entity.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }

    /// Event type names: lowercase words joined by dots, at least two parts.
    public static func isValidName(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count >= 2 && name.count <= 100
            && parts.allSatisfy { part in
                !part.isEmpty && part.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
            }
    }
}

/// An agent of the account (uuid, name).
public struct Agent: Sendable, Equatable {
    public let uuid: String
    public let name: String
    public init(uuid: String, name: String) {
        self.uuid = uuid
        self.name = name
    }
}

/// The organization the console belongs to; it names itself in every envelope.
public struct Organization: Sendable, Equatable {
    public let uuid: String
    public let name: String
}

/// Account data in SQLite: the organization, agents and the event catalogue.
public struct Catalog: CatalogBackend {
    let db: Database

    public init(_ db: Database) { self.db = db }

    /// The three documented conversation events, seeded by the first migration.
    public static let documentedEvents: [EventType] = [
        EventType(
            name: "conversation.started",
            description: "A conversation with an agent has begun (call answered, chat or web session opened).",
            sampleData: """
                {"conversation_uuid":"7c1e4a52-93d8-4f0b-a1c3-5be2d07f6a91","agent_uuid":"","agent_name":"","channel":"phone","started_at":"2026-04-19T14:26:56.000000+00:00","from_number":"+4930901820","to_number":"+4989244110","ip_address":null,"campaign_uuid":null,"campaign_contact_uuid":null,"direction":"inbound","room_sid":"RM5f2c8e1b7a","metadata":{"crm_contact_id":"C-10442"}}
                """),
        EventType(
            name: "conversation.ended",
            description: "A conversation has finished: status, duration, transcript messages and events.",
            sampleData: """
                {"conversation_uuid":"7c1e4a52-93d8-4f0b-a1c3-5be2d07f6a91","agent_uuid":"","agent_name":"","channel":"phone","started_at":"2026-04-19T14:26:56.000000+00:00","from_number":"+4930901820","to_number":"+4989244110","ip_address":null,"campaign_uuid":null,"campaign_contact_uuid":null,"direction":"inbound","room_sid":"RM5f2c8e1b7a","metadata":{"crm_contact_id":"C-10442"},"status":"completed","ended_at":"2026-04-19T14:30:00.000000+00:00","duration_seconds":184,"answer_status":"answered","messages":[{"role":"agent","content":"Hello, thanks for calling Acme Support. How can I help?","timestamp":"2026-04-19T14:26:57.000000+00:00"},{"role":"user","content":"I'd like to move my appointment to Friday.","timestamp":"2026-04-19T14:27:04.000000+00:00"}],"events":[{"type":"tool_call","name":"reschedule_appointment","timestamp":"2026-04-19T14:28:12.000000+00:00"}]}
                """),
        EventType(
            name: "conversation.analysis.completed",
            description: "Post-call analysis is ready: goal outcome, extracted results, messages and events.",
            sampleData: """
                {"conversation_uuid":"7c1e4a52-93d8-4f0b-a1c3-5be2d07f6a91","agent_uuid":"","agent_name":"","channel":"phone","direction":"inbound","started_at":"2026-04-19T14:26:56.000000+00:00","ended_at":"2026-04-19T14:30:00.000000+00:00","status":"completed","goal":{"description":"Reschedule the caller's appointment","achieved":true},"analysis":{"summary":"Caller moved their appointment to Friday 10:00.","sentiment":"positive","results":{"new_appointment":"2026-04-24T10:00:00+02:00","follow_up_required":false}},"messages":[{"role":"agent","content":"Hello, thanks for calling Acme Support. How can I help?","timestamp":"2026-04-19T14:26:57.000000+00:00"}],"events":[{"type":"tool_call","name":"reschedule_appointment","timestamp":"2026-04-19T14:28:12.000000+00:00"}]}
                """),
    ]

    static func seedDefaults(_ db: Database) throws {
        for (position, event) in documentedEvents.enumerated() {
            try db.run(
                "INSERT INTO event_types (name, group_name, description, sample_data, position) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [.text(event.name), .text(event.group), .text(event.description), .text(event.sampleData), .of(position)])
        }
        try db.run(
            "INSERT INTO organization (id, uuid, name) VALUES (1, ?, ?) ON CONFLICT DO NOTHING",
            [.text(Identifier.uuid()), "My Organization"])
    }

    // MARK: Organization

    public func organization() throws -> Organization {
        guard let row = try db.query("SELECT uuid, name FROM organization WHERE id = 1").first else {
            return Organization(uuid: "", name: "")
        }
        return Organization(uuid: try row.text("uuid"), name: try row.text("name"))
    }

    public func setOrganization(name: String, uuid: String?) throws {
        try db.run(
            "UPDATE organization SET name = ?, uuid = coalesce(?, uuid) WHERE id = 1",
            [.text(name), .of(uuid)])
    }

    // MARK: Agents

    public func agents() throws -> [Agent] {
        try db.query("SELECT uuid, name FROM agents ORDER BY \(db.dialect.caseless("name")), uuid").map(Self.agent(from:))
    }

    public func agent(uuid: String) throws -> Agent? {
        try db.query("SELECT uuid, name FROM agents WHERE uuid = ?", [.text(uuid)]).first.map(Self.agent(from:))
    }

    static func agent(from row: Row) throws(StoreError) -> Agent {
        Agent(uuid: try row.text("uuid"), name: try row.text("name"))
    }

    /// Adds an agent or renames an existing one. Returns true when it was new.
    @discardableResult
    public func upsertAgent(_ agent: Agent) throws -> Bool {
        guard Identifier.isUUID(agent.uuid) else { throw StoreError("“\(agent.uuid)” is not a UUID") }
        let name = agent.name.trimmingWhitespace
        if let problem = DisplayText.problem(name, maximum: 200) {
            throw StoreError(problem.message("The name of agent \(agent.uuid)"))
        }
        let existed = try db.query("SELECT 1 FROM agents WHERE uuid = ?", [.text(agent.uuid.lowercased())]).isEmpty == false
        try db.run(
            "INSERT INTO agents (uuid, name) VALUES (?, ?) ON CONFLICT (uuid) DO UPDATE SET name = excluded.name",
            [.text(agent.uuid.lowercased()), .text(name)])
        return !existed
    }

    /// Adds or renames every agent in one transaction (all or none). Returns how many were new.
    public func importAgents(_ agents: [Agent]) throws -> Int {
        try db.transaction {
            var added = 0
            for agent in agents where try upsertAgent(agent) { added += 1 }
            return added
        }
    }

    // MARK: Event types

    public func eventTypes() throws -> [EventType] {
        try db.query("SELECT name, group_name, description, sample_data FROM event_types ORDER BY group_name, position, name")
            .map(Self.eventType(from:))
    }

    public func eventType(named name: String) throws -> EventType? {
        try db.query("SELECT name, group_name, description, sample_data FROM event_types WHERE name = ?", [.text(name)]).first
            .map(Self.eventType(from:))
    }

    static func eventType(from row: Row) throws(StoreError) -> EventType {
        EventType(
            name: try row.text("name"), group: try row.text("group_name"), description: try row.text("description"),
            sampleData: try row.text("sample_data"))
    }

    /// Adds or updates an event type. Returns true when it was new.
    @discardableResult
    public func upsertEventType(_ event: EventType) throws -> Bool {
        guard EventType.isValidName(event.name) else {
            throw StoreError("“\(event.name)” is not a valid event type (lowercase words joined by dots, e.g. conversation.ended)")
        }
        if !event.description.isEmpty, let problem = DisplayText.problem(event.description, maximum: 500) {
            throw StoreError(problem.message("The description of \(event.name)"))
        }
        if let problem = DisplayText.problem(event.group, maximum: 100) {
            throw StoreError(problem.message("The group of \(event.name)"))
        }
        guard case .object = try JSONValue(parsing: event.sampleData) else {
            throw StoreError("the sample data of \(event.name) must be a JSON object")
        }
        let existed = try db.query("SELECT 1 FROM event_types WHERE name = ?", [.text(event.name)]).isEmpty == false
        let position = try db.query("SELECT coalesce(max(position), -1) + 1 AS next FROM event_types").first?.int("next") ?? 0
        try db.run(
            """
            INSERT INTO event_types (name, group_name, description, sample_data, position) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET group_name = excluded.group_name, description = excluded.description,
                sample_data = excluded.sample_data
            """,
            [.text(event.name), .text(event.group), .text(event.description), .text(event.sampleData), .of(position)])
        return !existed
    }
}

extension Catalog {
    /// Adds or updates every event type in one transaction (all or none). Returns how many were new.
    public func importEventTypes(_ events: [EventType]) throws -> Int {
        try db.transaction {
            var added = 0
            for event in events where try upsertEventType(event) { added += 1 }
            return added
        }
    }
}

/// Random identifiers from the OS CSPRNG.
public enum Identifier {
    /// A random (version 4) UUID in lowercase text form.
    public static func uuid() -> String {
        var bytes = randomBytes(16)
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = Hex.encode(bytes)
        let h = Array(hex)
        return String(h[0..<8]) + "-" + String(h[8..<12]) + "-" + String(h[12..<16]) + "-" + String(h[16..<20]) + "-" + String(h[20..<32])
    }

    /// A random URL-safe token of `byteCount` random bytes, in hex.
    public static func token(byteCount: Int = 16) -> String {
        Hex.encode(randomBytes(byteCount))
    }

    /// The CSPRNG failing means no secret or token can be made safely: the process stops.
    static func randomBytes(_ count: Int) -> [UInt8] {
        do { return try SecureRandom.bytes(count) } catch { fatalError("the OS random generator failed: \(error)") }
    }

    public static func isUUID(_ text: String) -> Bool {
        let chars = Array(text.lowercased())
        guard chars.count == 36 else { return false }
        for (i, c) in chars.enumerated() {
            if [8, 13, 18, 23].contains(i) {
                if c != "-" { return false }
            } else if !(("0"..."9").contains(c) || ("a"..."f").contains(c)) {
                return false
            }
        }
        return true
    }
}
