import HooklineTestSupport
import Testing

@testable import HooklineStore

@Suite struct CatalogTests {
    @Test func seedsTheThreeDocumentedConversationEvents() throws {
        let fixture = try StoreFixture(agents: false)
        let events = try Catalog(fixture.db).eventTypes()
        #expect(events.map(\.name) == ["conversation.started", "conversation.ended", "conversation.analysis.completed"])
        #expect(events.allSatisfy { $0.group == "Conversation" })
        #expect(events.allSatisfy { !$0.description.isEmpty })
        for event in events {
            let sample = try JSONValue(parsing: event.sampleData)
            #expect(sample["conversation_uuid"] != nil, "\(event.name) sample lacks conversation_uuid")
        }
        let ended = try #require(try Catalog(fixture.db).eventType(named: "conversation.ended"))
        #expect(try JSONValue(parsing: ended.sampleData)["status"] == .string("completed"))
    }

    @Test func seedsAnOrganization() throws {
        let fixture = try StoreFixture(agents: false)
        let organization = try Catalog(fixture.db).organization()
        #expect(Identifier.isUUID(organization.uuid))
        #expect(!organization.name.isEmpty)
        try Catalog(fixture.db).setOrganization(name: "Acme Support", uuid: nil)
        let renamed = try Catalog(fixture.db).organization()
        #expect(renamed.name == "Acme Support")
        #expect(renamed.uuid == organization.uuid)
    }

    @Test func groupNameIsTheCapitalizedEntity() {
        #expect(EventType.groupName(for: "conversation.analysis.completed") == "Conversation")
        #expect(EventType.groupName(for: "call_recording.ready") == "Call Recording")
        #expect(EventType(name: "campaign.finished", description: "", sampleData: "{}").group == "Campaign")
    }

    @Test func upsertAgentAddsRenamesAndNormalizes() throws {
        let fixture = try StoreFixture(agents: false)
        let catalog = Catalog(fixture.db)
        #expect(try catalog.upsertAgent(Agent(uuid: "CCCCCCCC-3333-4333-8333-333333333333", name: "  zeta desk ")) == true)
        #expect(try catalog.upsertAgent(Agent(uuid: "cccccccc-3333-4333-8333-333333333333", name: "Zeta Desk")) == false)
        #expect(try catalog.upsertAgent(Agent(uuid: "dddddddd-4444-4444-8444-444444444444", name: "alpha")) == true)
        #expect(
            try catalog.agents() == [
                Agent(uuid: "dddddddd-4444-4444-8444-444444444444", name: "alpha"),
                Agent(uuid: "cccccccc-3333-4333-8333-333333333333", name: "Zeta Desk"),
            ])
    }

    @Test func upsertAgentRejectsBadInput() throws {
        let fixture = try StoreFixture(agents: false)
        let catalog = Catalog(fixture.db)
        #expect(throws: StoreError.self) { try catalog.upsertAgent(Agent(uuid: "not-a-uuid", name: "X")) }
        #expect(throws: StoreError.self) { try catalog.upsertAgent(Agent(uuid: "cccccccc-3333-4333-8333-33333333333g", name: "X")) }
        #expect(throws: StoreError.self) { try catalog.upsertAgent(Agent(uuid: "cccccccc-3333-4333-8333-333333333333", name: "   ")) }
        #expect(throws: StoreError.self) {
            try catalog.upsertAgent(Agent(uuid: "cccccccc-3333-4333-8333-333333333333", name: String(repeating: "n", count: 201)))
        }
        #expect(try catalog.agents().isEmpty)
    }

    @Test func upsertEventTypeAddsAndUpdates() throws {
        let fixture = try StoreFixture(agents: false)
        let catalog = Catalog(fixture.db)
        let event = EventType(name: "call_recording.ready", description: "A recording is ready.", sampleData: #"{"url":"https://x"}"#)
        #expect(try catalog.upsertEventType(event) == true)
        let updated = EventType(name: "call_recording.ready", description: "Recording available.", sampleData: #"{"b":1,"a":2}"#)
        #expect(try catalog.upsertEventType(updated) == false)
        let stored = try #require(try catalog.eventType(named: "call_recording.ready"))
        #expect(stored.group == "Call Recording")
        #expect(stored.description == "Recording available.")
        #expect(stored.sampleData == #"{"b":1,"a":2}"#)
        #expect(try catalog.eventTypes().count == 4)
    }

    @Test(arguments: [
        "Conversation.Ended", "conversation", "conversation..ended", ".ended", "conversation.ended.", "conversation.end ed", "",
    ])
    func upsertEventTypeRejectsBadNames(_ name: String) throws {
        let fixture = try StoreFixture(agents: false)
        let error = #expect(throws: StoreError.self) {
            try Catalog(fixture.db).upsertEventType(EventType(name: name, group: "X", description: "", sampleData: "{}"))
        }
        #expect(error?.message.contains("not a valid event type") == true)
        #expect(try Catalog(fixture.db).eventTypes().count == 3)
    }

    @Test(arguments: ["[1]", "\"text\"", "{", "", "{\"a\":}"])
    func upsertEventTypeRequiresAJSONObjectSample(_ sample: String) throws {
        let fixture = try StoreFixture(agents: false)
        #expect(throws: (any Error).self) {
            try Catalog(fixture.db).upsertEventType(EventType(name: "campaign.finished", description: "", sampleData: sample))
        }
        #expect(try Catalog(fixture.db).eventType(named: "campaign.finished") == nil)
    }

    @Test func identifiersAreRandomV4UUIDsAndHexTokens() {
        let a = Identifier.uuid()
        let b = Identifier.uuid()
        #expect(a != b)
        #expect(Identifier.isUUID(a))
        #expect(Array(a)[14] == "4")
        #expect("89ab".contains(Array(a)[19]))
        let token = Identifier.token(byteCount: 32)
        #expect(token.count == 64)
        #expect(token.allSatisfy { $0.isHexDigit && !$0.isUppercase })
    }
}
