import HooklineCGI
import HooklineConsole
import HooklineStore
import Testing

@Suite struct SubscriptionActionTests {
    typealias F = ConsoleFixture

    @Test func deleteAsksThenDeletes() throws {
        let fixture = try F()
        let id = try fixture.create("Old & unused")
        let confirm = try fixture.get("/\(id)/delete")
        #expect(confirm.status == 200)
        #expect(confirm.html.contains("Old &amp; unused"))
        #expect(confirm.html.contains("cannot be undone"))
        #expect(try fixture.store.find(id: id) != nil)

        let deleted = try fixture.post("/\(id)/delete", [("version", "1")])
        #expect(deleted.status == 303)
        #expect(deleted.locationPath == "/webhooks/")
        #expect(deleted.locationQuery["notice"] == "deleted")
        #expect(try fixture.store.find(id: id) == nil)
        // The notice names the webhook as stored (from the audit log), never text from the query.
        let inventory = try fixture.get("/", query: "notice=deleted&id=\(id)")
        #expect(inventory.html.contains("Deleted webhook “Old &amp; unused”."))
        let forged = try fixture.get("/", query: "notice=Your+account+is+locked&deleted=Call+us")
        #expect(!forged.html.contains("account is locked") && !forged.html.contains("Call us"))

        #expect(try fixture.post("/\(id)/delete", [("version", "1")]).status == 404)
    }

    @Test func deleteOfAChangedWebhookIs409() throws {
        let fixture = try F()
        let id = try fixture.create()
        try fixture.store.setActive(id: id, active: false, expectedVersion: nil, actor: "other", now: Timestamp.now())
        let page = try fixture.post("/\(id)/delete", [("version", "1")])
        #expect(page.status == 409)
        #expect(try fixture.store.find(id: id) != nil)
    }

    @Test func toggleDeactivatesAndActivates() throws {
        let fixture = try F()
        let id = try fixture.create("Toggled")
        let off = try fixture.post("/\(id)/active", [("active", "0"), ("version", "1")])
        #expect(off.status == 303)
        #expect(off.locationQuery["notice"] == "deactivated")
        #expect(try fixture.get("/", query: "notice=deactivated&id=\(id)").html.contains("Deactivated webhook “Toggled”."))
        #expect(try fixture.store.find(id: id)?.status == .inactive)
        #expect(try fixture.get("/").html.contains(">Inactive<"))

        let stale = try fixture.post("/\(id)/active", [("active", "1"), ("version", "1")])
        #expect(stale.status == 409)
        #expect(try fixture.store.find(id: id)?.status == .inactive)

        let on = try fixture.post("/\(id)/active", [("active", "1"), ("version", "2")])
        #expect(on.status == 303)
        #expect(try fixture.store.find(id: id)?.status == .active)
    }

    @Test(arguments: [[("active", "yes")], [], [("active", "1"), ("active", "0")]])
    func toggleWithBadValueIs400(_ fields: [(String, String)]) throws {
        let fixture = try F()
        let id = try fixture.create()
        #expect(try fixture.post("/\(id)/active", fields).status == 400)
        #expect(try fixture.store.find(id: id)?.version == 1)
    }

    @Test func regenerateShowsTheNewSecretOnceAndKeepsTheOldOneSigning() throws {
        let fixture = try F()
        let old = "whsec_previousSecretValue00000000000000000000000="
        let id = try fixture.create(secret: old)
        let response = try fixture.post("/\(id)/secret", [("action", "regenerate")])
        #expect(response.status == 303)
        let reveal = try #require(response.locationQuery["reveal"])
        let s = try #require(try fixture.store.find(id: id))
        let new = try #require(s.secret)
        #expect(new != old)
        #expect(new.hasPrefix("whsec_"))
        #expect(s.signingSecrets(now: Timestamp.now()) == [new, old])

        let shown = try fixture.get("/\(id)", query: "notice=secret-regenerated&reveal=\(reveal)")
        #expect(shown.occurrences(of: new) == 1)
        #expect(!shown.html.contains(old))
        let again = try fixture.get("/\(id)", query: "notice=secret-regenerated&reveal=\(reveal)")
        #expect(!again.html.contains(new))
    }

    @Test func removeNeedsConfirmation() throws {
        let fixture = try F()
        let id = try fixture.create(secret: "whsec_toBeRemoved000000000000000000000000000000=")
        let ask = try fixture.post("/\(id)/secret", [("action", "remove")])
        #expect(ask.status == 200)
        #expect(ask.html.contains("name=\"confirm\" value=\"1\""))
        #expect(!ask.html.contains("whsec_"))
        #expect(try fixture.store.find(id: id)?.hasSecret == true)

        let removed = try fixture.post("/\(id)/secret", [("action", "remove"), ("confirm", "1")])
        #expect(removed.status == 303)
        let s = try #require(try fixture.store.find(id: id))
        #expect(!s.hasSecret)
        #expect(s.signingSecrets(now: Timestamp.now()).isEmpty)
        #expect(try fixture.get("/").html.contains(">Not set<"))
    }

    @Test func unknownSecretActionIs400() throws {
        let fixture = try F()
        let id = try fixture.create(secret: "whsec_keep")
        #expect(try fixture.post("/\(id)/secret", [("action", "reveal")]).status == 400)
        #expect(try fixture.store.find(id: id)?.secret == "whsec_keep")
    }

    @Test func auditPageListsChangesWithoutSecrets() throws {
        let fixture = try F()
        let created = try fixture.post("/new", validCreateFields(name: "Audited"), user: "carol")
        let id = try #require(Int(created.locationPath.dropFirst("/webhooks/".count)))
        let secret = try #require(try fixture.store.find(id: id)?.secret)
        let audit = try fixture.get("/audit")
        #expect(audit.status == 200)
        #expect(audit.html.contains("carol"))
        #expect(audit.html.contains("Audited"))
        #expect(!audit.html.contains(secret))
        let detail = try fixture.get("/\(id)")
        #expect(!detail.html.contains(secret))
        #expect(detail.html.contains(">Set<"))
    }
}
