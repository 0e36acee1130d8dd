import HooklineCGI
import HooklineConsole
import HooklineStore
import HooklineTestSupport
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

@Suite struct HostileInputTests {
    typealias F = ConsoleFixture

    @Test func toggleAndDeleteWithoutVersionAre409AndChangeNothing() throws {
        let fixture = try F()
        let id = try fixture.create("Kept")
        let toggle = try fixture.post("/\(id)/active", [("active", "0")])
        #expect(toggle.status == 409)
        #expect(toggle.html.contains("reload the page"))
        let delete = try fixture.post("/\(id)/delete", [])
        #expect(delete.status == 409)
        let twice = try fixture.post("/\(id)/delete", [("version", "1"), ("version", "1")])
        #expect(twice.status == 409)
        let stored = try #require(try fixture.store.find(id: id))
        #expect(stored.status == .active && stored.version == 1)
    }

    @Test func revealOnlyInTheBrowserThatMadeTheChangeAndOnlyByGet() throws {
        let fixture = try F()
        let created = try fixture.post(
            "/new",
            [
                ("name", "Reveal"), ("url", "https://example.com/h"), ("events", "conversation.ended"), ("generate_secret", "1"),
                ("active", "1"),
            ])
        #expect(created.status == 303)
        let reveal = try #require(created.locationQuery["reveal"])
        let id = try #require(Int(created.locationPath.split(separator: "/").last ?? ""))
        let secret = try #require(try fixture.store.find(id: id)?.secret)

        // Another browser (another CSRF cookie) holding the link sees nothing and burns nothing.
        let other = try fixture.get(
            "/\(id)", query: "reveal=\(reveal)", extra: ["HTTP_COOKIE": "hookline_csrf=" + String(repeating: "ab", count: 32)])
        #expect(other.status == 200 && !other.html.contains(secret) && other.html.contains("already shown"))
        // A HEAD (link preview) burns nothing either.
        let head = try Request(environment: fixture.environment("HEAD", "/\(id)", query: "reveal=\(reveal)"), readBody: { _ in [] })
        #expect(Console.respond(to: head).status.code == 200)
        // The browser that made the change sees it, once.
        #expect(try fixture.get("/\(id)", query: "reveal=\(reveal)").occurrences(of: secret) == 1)
        #expect(!(try fixture.get("/\(id)", query: "reveal=\(reveal)").html.contains(secret)))
    }

    @Test func internalErrorsShowAReferenceNotTheDetail() throws {
        let fixture = try F()
        let id = try fixture.create()
        // Make the database unusable for writes behind the console's back: drop a table it needs.
        try fixture.breakAuditLog()
        let page = try fixture.post("/\(id)/active", [("active", "0"), ("version", "1")])
        #expect(page.status == 500)
        #expect(page.html.contains("reference"))
        #expect(!page.html.contains("audit_log"), "no SQL or table names reach the browser")
        #expect(!page.html.contains("no such table"))
    }

    @Test(arguments: [
        "Invoice\u{202E}fdp.exe", "Left\u{2066}isolate", "Two\u{2028}lines", "Soft\u{00AD}hyphen", "BOM\u{FEFF}",
        String(repeating: "a\u{300}\u{301}\u{302}\u{303}", count: 150), String(repeating: "n", count: 201),
    ])
    func namesThatDisplayAsSomethingElseAreRefused(_ name: String) throws {
        let fixture = try F()
        let page = try fixture.post(
            "/new", [("name", name), ("url", "https://example.com/h"), ("events", "conversation.ended"), ("active", "1")])
        #expect(page.status == 422)
        #expect(page.html.contains("field-error"))
        #expect(try fixture.store.count() == 0)
    }

    @Test func emojiAndScriptsWithJoinersAreFine() throws {
        let fixture = try F()
        let page = try fixture.post(
            "/new", [("name", "Ops 👩‍💻 می‌خواهم"), ("url", "https://example.com/h"), ("events", "conversation.ended"), ("active", "1")])
        #expect(page.status == 303)
    }

    @Test func parallelSubmissionsOfOneFormCreateOneWebhook() throws {
        let fixture = try F()
        let fields = [
            ("name", "Once"), ("url", "https://example.com/h"), ("events", "conversation.ended"), ("active", "1"),
            ("generate_secret", "1"), ("submission", String(repeating: "0a", count: 16)),
        ]
        let first = try fixture.post("/new", fields)
        let second = try fixture.post("/new", fields)
        #expect(first.status == 303 && second.status == 303)
        #expect(first.locationPath == second.locationPath)
        #expect(first.locationQuery["reveal"] != nil)
        #expect(second.locationQuery["reveal"] == nil, "the repeat does not reveal a secret that was never stored")
        #expect(try fixture.store.count() == 1)
    }

    @Test func signInPageDoesNotNameTheConfigFile() throws {
        let fixture = try F(anonymous: false)
        let page = try fixture.get("/")
        #expect(page.status == 403)
        #expect(!page.html.contains(fixture.configPath))
        #expect(!page.html.contains("hookline.conf"))
    }
}
