import HooklineTestSupport
import Testing

@testable import HooklineStore

@Suite struct AuditLogTests {
    typealias F = StoreFixture

    @Test func changesAreRecordedWithOldAndNewValues() throws {
        let fixture = try F()
        let id = try fixture.create("Before", agents: [F.agentA.uuid])
        let draft = SubscriptionDraft(
            name: "After", url: "https://example.com/hook", active: true, signatureScheme: .hookline,
            eventTypes: ["conversation.ended"], agentUUIDs: [])
        try fixture.store.update(id: id, with: draft, expectedVersion: 1, actor: "bob", now: fixture.now + 60)
        let entries = try AuditLog(fixture.db).recent(subscriptionID: id)
        #expect(entries.map(\.action) == [.update, .create])
        let update = entries[0]
        #expect(update.actor == "bob")
        #expect(update.at == fixture.now + 60)
        #expect(update.subscriptionName == "After")
        let fields = update.changes.entries
        #expect(fields.map(\.field) == ["name", "agents"])
        #expect(fields[0].old == "Before")
        #expect(fields[0].new == "After")
        #expect(fields[1].old == "Alpha Support")
        #expect(fields[1].new == "All Agents")

        let create = entries[1]
        #expect(create.actor == "alice")
        #expect(create.changes.entries.first { $0.field == "url" }?.new == "https://example.com/hook")
    }

    @Test func unchangedSaveWritesNoEntry() throws {
        let fixture = try F()
        let id = try fixture.create()
        let same = SubscriptionDraft(
            name: "CRM sync", url: "https://example.com/hook", active: true, signatureScheme: .hookline,
            eventTypes: ["conversation.ended"], agentUUIDs: [])
        try fixture.store.update(id: id, with: same, expectedVersion: 1, actor: "bob", now: fixture.now)
        #expect(try AuditLog(fixture.db).recent().count == 1)
        #expect(try fixture.store.find(id: id)?.version == 1)
    }

    @Test func secretValuesNeverReachTheAuditLog() throws {
        let fixture = try F()
        let secrets = ["whsec_FIRSTsecretVALUE0000000000000000000000000=", "whsec_SECONDsecretVALUE000000000000000000000000="]
        let id = try fixture.create(secret: secrets[0])
        _ = try fixture.store.replaceSecret(
            id: id, newSecret: secrets[1], graceUntil: fixture.now + 100, revealBinding: "browser", actor: "a", now: fixture.now)
        _ = try fixture.store.replaceSecret(id: id, newSecret: nil, graceUntil: nil, revealBinding: "browser", actor: "a", now: fixture.now)
        try fixture.store.delete(id: id, expectedVersion: nil, actor: "a", now: fixture.now)

        let entries = try AuditLog(fixture.db).recent()
        #expect(entries.map(\.action) == [.delete, .removeSecret, .regenerateSecret, .create])
        let dump = try fixture.db.query("SELECT * FROM audit_log").map { row in
            row.values.map { value -> String in
                switch value {
                case .text(let s): s
                case .int(let i): String(i)
                case .double(let d): String(d)
                case .null: ""
                }
            }.joined(separator: "|")
        }.joined(separator: "\n")
        #expect(dump.contains("regenerate_secret"))
        for secret in secrets {
            #expect(!dump.contains(secret))
            #expect(!dump.contains(String(secret.dropFirst(6).prefix(20))))
        }
    }

    @Test func recentIsNewestFirstAndLimited() throws {
        let fixture = try F()
        let a = try fixture.create("A")
        try fixture.create("B")
        try fixture.store.setActive(id: a, active: false, expectedVersion: nil, actor: "x", now: fixture.now)
        #expect(try AuditLog(fixture.db).recent(limit: 2).map(\.subscriptionName) == ["A", "B"])
        #expect(try AuditLog(fixture.db).recent(limit: 2).first?.action == .deactivate)
        #expect(try AuditLog(fixture.db).recent(subscriptionID: a).count == 2)
    }
}
