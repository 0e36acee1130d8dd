import HooklineStore
import HooklineTestSupport
import Testing

@Suite struct TokenAndIngestTests {
    @Test func aTokenIsShownOnceStoredHashedAndRevocable() throws {
        let fixture = try StoreFixture()
        let tokens = fixture.backend.tokens
        let made = try tokens.create(name: "platform", scope: .ingest, actor: "alice", now: 100)
        #expect(made.token.hasPrefix("hlk_") && made.token.count == 47)
        #expect(try tokens.authenticate(made.token, now: 200)?.name == "platform")
        #expect(try tokens.list().first?.lastUsedAt == 200)
        #expect(try tokens.authenticate(made.token + "x", now: 200) == nil)
        #expect(throws: TokenError.nameTaken("platform")) { try tokens.create(name: "platform", scope: .admin, actor: "alice", now: 1) }
        try tokens.revoke(name: "platform", actor: "alice", now: 300)
        #expect(try tokens.authenticate(made.token, now: 400) == nil)
        #expect(try fixture.backend.audit.recent(limit: 10, subscriptionID: nil).map(\.actor) == ["alice", "alice"])
    }

    @Test func aBatchIsOneTransactionAndRepeatedIdsAreDuplicates() throws {
        let fixture = try StoreFixture()
        let store = fixture.backend
        let catalogue = Dictionary(uniqueKeysWithValues: try store.catalog.eventTypes().map { ($0.name, $0) })
        let org = try store.catalog.organization()
        var errors: [String: [String]] = [:]
        let event = try #require(
            EventIngestion.prepare(
                .object([("event_type", .string("conversation.ended")), ("event_id", .string("e-1"))]), catalogue: catalogue,
                agents: [:], organization: org, path: "", errors: &errors, nowMicroseconds: 0))
        let result = try store.deliveries.ingest([event, event], now: 1)
        #expect(result.accepted == 1 && result.duplicates == 1)
        #expect(try store.deliveries.ingest([event], now: 2).duplicates == 1)
        let bad = EventIngestion.prepare(
            .object([("event_type", .string("nope")), ("extra", .null)]), catalogue: catalogue, agents: [:], organization: org,
            path: "events[3].", errors: &errors, nowMicroseconds: 0)
        #expect(bad == nil)
        #expect(Set(errors.keys) == ["events[3].event_type", "events[3].extra"])
    }
}
