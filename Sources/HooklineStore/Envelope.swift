/// The JSON envelope every delivery carries (DESIGN §3), the same for real and test events.
public enum Envelope {
    /// `{"event_id","event_type","created","organization_uuid","organization_name","data"}` as compact JSON.
    public static func build(eventID: String, eventType: String, createdMicroseconds: Int, organization: Organization, data: JSONValue)
        -> String
    {
        JSONValue.object([
            ("event_id", .string(eventID)),
            ("event_type", .string(eventType)),
            ("created", .string(Timestamp.envelope(microseconds: createdMicroseconds))),
            ("organization_uuid", .string(organization.uuid)),
            ("organization_name", .string(organization.name)),
            ("data", data),
        ]).serialized()
    }

    /// A realistic sample `data` for a test send: the catalogue's sample with a fresh
    /// conversation, and an agent from the subscription's scope (or the account).
    /// `conversation` fixes the conversation id (the catalogue page's stable example); by
    /// default each sample gets a fresh one.
    public static func sampleData(for event: EventType, agent: Agent?, conversation: String? = nil) -> JSONValue {
        var data = (try? JSONValue(parsing: event.sampleData)) ?? .object([])
        guard case .object = data else { return .object([]) }
        if data["conversation_uuid"] != nil { data.set("conversation_uuid", .string(conversation ?? Identifier.uuid())) }
        if let agent {
            data.set("agent_uuid", .string(agent.uuid))
            data.set("agent_name", .string(agent.name))
        }
        return data
    }
}
