import HooklineTestSupport
import Testing

@testable import HooklineStore

@Suite struct InventoryTests {
    typealias F = StoreFixture

    func names(_ fixture: F, _ configure: (inout InventoryQuery) -> Void) throws -> [String] {
        var query = InventoryQuery()
        configure(&query)
        return try fixture.store.inventory(query).rows.map(\.subscription.name)
    }

    @Test func searchTreatsLikeMetacharactersLiterally() throws {
        let fixture = try F()
        try fixture.create("100% uptime")
        try fixture.create("100 percent")
        try fixture.create("a_b")
        try fixture.create("axb")
        try fixture.create("back\\slash")
        try fixture.create("Other", url: "https://hooks.example.org/x")
        #expect(try names(fixture) { $0.text = "%" } == ["100% uptime"])
        #expect(try names(fixture) { $0.text = "100%" } == ["100% uptime"])
        #expect(try names(fixture) { $0.text = "_" } == ["a_b"])
        #expect(try names(fixture) { $0.text = "a_b" } == ["a_b"])
        #expect(try names(fixture) { $0.text = "\\" } == ["back\\slash"])
        #expect(try names(fixture) { $0.text = "  EXAMPLE.ORG " } == ["Other"])
        #expect(try names(fixture) { $0.text = "nothing like this" } == [])
    }

    @Test func statusFilter() throws {
        let fixture = try F()
        try fixture.create("On")
        try fixture.create("Off", active: false)
        let broken = try fixture.create("Broken")
        try fixture.deliveries.disable(subscriptionID: broken, reason: "410 Gone", now: fixture.now)
        #expect(try names(fixture) { $0.status = .active } == ["On"])
        #expect(try names(fixture) { $0.status = .inactive } == ["Off"])
        #expect(try names(fixture) { $0.status = .disabled } == ["Broken"])
        #expect(try names(fixture) { _ in } == ["Broken", "Off", "On"])
    }

    @Test func agentFilterIncludesAllAgentsSubscriptions() throws {
        let fixture = try F()
        try fixture.create("Everyone")
        try fixture.create("Only A", agents: [F.agentA.uuid])
        try fixture.create("Only B", agents: [F.agentB.uuid])
        try fixture.create("A and B", agents: [F.agentA.uuid, F.agentB.uuid])
        #expect(try names(fixture) { $0.agent = F.agentA.uuid } == ["A and B", "Everyone", "Only A"])
        #expect(try names(fixture) { $0.agent = F.agentB.uuid } == ["A and B", "Everyone", "Only B"])
        let rows = try fixture.store.inventory(InventoryQuery()).rows
        #expect(rows.first { $0.subscription.name == "Everyone" }?.agentNames == [])
        #expect(rows.first { $0.subscription.name == "A and B" }?.agentNames == ["Alpha Support", "Beta Sales"])
    }

    @Test func eventFilter() throws {
        let fixture = try F()
        try fixture.create("Ended", events: ["conversation.ended"])
        try fixture.create("Started", events: ["conversation.started"])
        try fixture.create("Both", events: ["conversation.started", "conversation.ended"])
        #expect(try names(fixture) { $0.event = "conversation.started" } == ["Both", "Started"])
        #expect(try names(fixture) { $0.event = "conversation.analysis.completed" } == [])
        #expect(
            try names(fixture) {
                $0.event = "conversation.ended"
                $0.text = "both"
            } == ["Both"])
    }

    @Test func everySortKeyInBothDirections() throws {
        let fixture = try F()
        try fixture.create("bravo", url: "https://c.example/", events: ["conversation.ended"], at: 300)
        try fixture.create(
            "Alpha", url: "https://b.example/", active: false,
            events: ["conversation.ended", "conversation.started"], at: 100)
        let charlie = try fixture.create(
            "charlie", url: "https://a.example/",
            events: ["conversation.ended", "conversation.started", "conversation.analysis.completed"], at: 200)
        try fixture.deliveries.disable(subscriptionID: charlie, reason: "gone", now: 1)
        let expected: [(InventoryQuery.SortKey, [String])] = [
            (.name, ["Alpha", "bravo", "charlie"]),
            (.url, ["charlie", "Alpha", "bravo"]),
            (.status, ["bravo", "Alpha", "charlie"]),
            (.events, ["bravo", "Alpha", "charlie"]),
            (.created, ["Alpha", "charlie", "bravo"]),
        ]
        for (key, ascending) in expected {
            #expect(try names(fixture) { $0.sort = key } == ascending, "sort \(key) asc")
            #expect(
                try names(fixture) {
                    $0.sort = key
                    $0.descending = true
                } == ascending.reversed(), "sort \(key) desc")
        }
    }

    @Test func pagesKnowWhetherAnotherPageFollows() throws {
        let fixture = try F()
        for n in 1...5 { try fixture.create("Hook \(n)") }
        func page(_ number: Int) throws -> InventoryPage {
            var query = InventoryQuery()
            query.pageSize = 2
            query.page = number
            return try fixture.store.inventory(query)
        }
        #expect(try page(1).rows.map(\.subscription.name) == ["Hook 1", "Hook 2"])
        #expect(try page(1).hasNextPage)
        #expect(try page(2).rows.map(\.subscription.name) == ["Hook 3", "Hook 4"])
        #expect(try page(2).hasNextPage)
        #expect(try page(3).rows.map(\.subscription.name) == ["Hook 5"])
        #expect(try page(3).hasNextPage == false)
        #expect(try page(4).rows.isEmpty)
        try fixture.create("Hook 6")
        #expect(try page(3).rows.count == 2)
        #expect(try page(3).hasNextPage == false)
    }

    @Test func rowsCarrySecretAndCountsButFilterNothingElse() throws {
        let fixture = try F()
        try fixture.create("With", secret: "whsec_abc")
        try fixture.create("Without", events: ["conversation.ended", "conversation.started"])
        let rows = try fixture.store.inventory(InventoryQuery()).rows
        #expect(rows.map(\.subscription.hasSecret) == [true, false])
        #expect(rows.map(\.subscription.eventCount) == [1, 2])
    }
}

@Suite struct TrigramSearchTests {
    func names(_ fixture: StoreFixture, _ text: String) throws -> [String] {
        var query = InventoryQuery()
        query.text = text
        return try fixture.store.inventory(query).rows.map(\.subscription.name)
    }

    @Test func searchFindsSubstringsCaseInsensitivelyAndFollowsEveryWrite() throws {
        let fixture = try StoreFixture()
        let id = try fixture.create("CRM Sync", url: "https://crm.example.com/hooks")
        _ = try fixture.create("Billing", url: "https://pay.example.net/in")
        #expect(try names(fixture, "crm sy") == ["CRM Sync"])
        #expect(try names(fixture, "EXAMPLE.NET/IN") == ["Billing"])
        #expect(try names(fixture, "xample") == ["Billing", "CRM Sync"])
        #expect(try names(fixture, #""quoted" * OR crm"#) == [], "query syntax is taken literally")

        // An edit moves the index along; a delete takes the row out.
        try fixture.store.update(
            id: id,
            with: SubscriptionDraft(
                name: "Ledger export", url: "https://ledger.example.org/h", active: true, signatureScheme: .hookline,
                eventTypes: ["conversation.ended"], agentUUIDs: []),
            expectedVersion: 1, actor: "alice", now: fixture.now)
        #expect(try names(fixture, "crm") == [])
        #expect(try names(fixture, "ledger.ex") == ["Ledger export"])
        try fixture.store.delete(id: id, expectedVersion: 2, actor: "alice", now: fixture.now)
        #expect(try names(fixture, "ledger") == [])
    }
}
