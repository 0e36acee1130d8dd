import HooklineCGI
import HooklineConsole
import HooklineStore
import HooklineTestSupport
import Testing

@Suite struct SubscriptionFormTests {
    typealias F = ConsoleFixture

    @Test func createFormOffersEventsAgentsAndSecret() throws {
        let fixture = try F()
        let page = try fixture.get("/new")
        #expect(page.status == 200)
        for field in [
            "name=\"name\"", "name=\"url\"", "name=\"active\"", "name=\"events\"", "name=\"agents\"", "name=\"generate_secret\"",
            "name=\"csrf_token\"",
        ] {
            #expect(page.html.contains(field), "missing \(field)")
        }
        #expect(page.html.contains("conversation.analysis.completed"))
        #expect(page.html.contains("Conversation"))
        #expect(page.html.contains("Alpha Support"))
        #expect(page.html.contains("value=\"\(fixture.csrf)\""))
    }

    @Test func validCreateRedirectsAndRevealsTheSecretOnce() throws {
        let fixture = try F()
        let created = try fixture.post("/new", validCreateFields(name: "CRM sync") + [("agents", F.agentA.uuid)])
        #expect(created.status == 303)
        #expect(created.locationQuery["notice"] == "created")
        let reveal = try #require(created.locationQuery["reveal"])
        let id = try #require(Int(created.locationPath.dropFirst("/webhooks/".count)))

        let stored = try #require(try fixture.store.find(id: id))
        #expect(stored.name == "CRM sync")
        #expect(stored.url == "https://crm.example/hooks")
        #expect(stored.eventTypes == ["conversation.ended", "conversation.started"])
        #expect(stored.agentUUIDs == [F.agentA.uuid])
        let secret = try #require(stored.secret)
        #expect(secret.hasPrefix("whsec_"))
        #expect(secret.count == 50)

        let first = try fixture.get("/\(id)", query: "notice=created&reveal=\(reveal)")
        #expect(first.status == 200)
        #expect(first.header("Cache-Control") == "no-store")
        #expect(first.occurrences(of: secret) == 1)
        #expect(first.html.contains("Webhook “CRM sync” created."))

        let reload = try fixture.get("/\(id)", query: "notice=created&reveal=\(reveal)")
        #expect(reload.status == 200)
        #expect(!reload.html.contains("whsec_"))
        #expect(reload.html.contains("already shown"))
        #expect(try fixture.store.count() == 1)
    }

    @Test func createWithoutSecretStoresNone() throws {
        let fixture = try F()
        let fields = validCreateFields().filter { $0.0 != "generate_secret" }
        let created = try fixture.post("/new", fields)
        #expect(created.status == 303)
        #expect(created.locationQuery["reveal"] == nil)
        let id = try #require(Int(created.locationPath.dropFirst("/webhooks/".count)))
        #expect(try fixture.store.find(id: id)?.hasSecret == false)
        #expect(try fixture.get("/").html.contains(">Not set<"))
    }

    @Test func resubmittingTheSameFormCreatesOneWebhook() throws {
        let fixture = try F()
        let fields = validCreateFields() + [("submission", "0123456789abcdef0123456789abcdef")]
        let first = try fixture.post("/new", fields)
        let second = try fixture.post("/new", fields)
        #expect(first.status == 303)
        #expect(second.status == 303)
        #expect(first.locationPath == second.locationPath)
        #expect(second.locationQuery["reveal"] == nil)
        #expect(try fixture.store.count() == 1)
    }

    @Test func invalidCreateIs422WithMessagesAndKeepsInput() throws {
        let fixture = try F()
        let page = try fixture.post("/new", [("name", "  "), ("url", "http://insecure.example/\"x\""), ("active", "1")])
        #expect(page.status == 422)
        #expect(page.html.contains("Enter a name"))
        #expect(page.html.contains("https://"))
        #expect(page.html.contains("Select at least one event"))
        #expect(page.html.contains("value=\"http://insecure.example/&quot;x&quot;\""))
        #expect(try fixture.store.count() == 0)
    }

    @Test(arguments: [
        ("url", "https://user:pw@example.com/"), ("url", "https://example.com/#frag"), ("url", "ftp://example.com/"),
        ("url", "https://exa mple.com/"), ("events", "conversation.unknown"), ("agents", "cccccccc-3333-4333-8333-333333333333"),
        ("signature_scheme", "md5"), ("name", String(repeating: "n", count: 201)),
    ])
    func invalidFieldIsRejected(_ field: String, _ value: String) throws {
        let fixture = try F()
        var fields = validCreateFields().filter { $0.0 != field }
        fields.append((field, value))
        let page = try fixture.post("/new", fields)
        #expect(page.status == 422)
        #expect(page.html.contains("field-error"))
        #expect(try fixture.store.count() == 0)
    }

    @Test func userInputWithMarkupIsEscapedOnTheForm() throws {
        let fixture = try F()
        let page = try fixture.post("/new", [("name", "<img src=x onerror=alert(1)>"), ("url", "")])
        #expect(page.status == 422)
        #expect(!page.html.contains("<img src=x"))
        #expect(page.html.contains("&lt;img src=x onerror=alert(1)&gt;"))
    }

    @Test func editSavesWithTheCurrentVersion() throws {
        let fixture = try F()
        let id = try fixture.create("Before")
        let form = try fixture.get("/\(id)/edit")
        #expect(form.status == 200)
        #expect(form.html.contains("value=\"Before\""))
        #expect(form.html.contains("name=\"version\" value=\"1\""))
        let saved = try fixture.post(
            "/\(id)/edit",
            [
                ("version", "1"), ("name", "After"), ("url", "https://after.example/h"), ("events", "conversation.started"),
                ("agents", F.agentB.uuid),
            ])
        #expect(saved.status == 303)
        #expect(saved.locationPath == "/webhooks/\(id)")
        let s = try #require(try fixture.store.find(id: id))
        #expect(s.name == "After")
        #expect(s.active == false)  // the checkbox was not sent
        #expect(s.agentUUIDs == [F.agentB.uuid])
        #expect(s.version == 2)
    }

    @Test func editWithStaleVersionIs409AndKeepsTheOtherSave() throws {
        let fixture = try F()
        let id = try fixture.create("Original")
        let fields: [(String, String)] = [("url", "https://example.com/hook"), ("active", "1"), ("events", "conversation.ended")]
        #expect(try fixture.post("/\(id)/edit", [("version", "1"), ("name", "Saved by Alice")] + fields).status == 303)
        let stale = try fixture.post("/\(id)/edit", [("version", "1"), ("name", "Saved by Bob")] + fields)
        #expect(stale.status == 409)
        #expect(stale.html.contains("Someone else saved"))
        #expect(stale.html.contains("value=\"Saved by Alice\""))
        #expect(stale.html.contains("name=\"version\" value=\"2\""))
        #expect(try fixture.store.find(id: id)?.name == "Saved by Alice")
    }

    @Test func editWithoutVersionIsRejected() throws {
        let fixture = try F()
        let id = try fixture.create("Original")
        let page = try fixture.post(
            "/\(id)/edit", [("name", "Changed"), ("url", "https://example.com/hook"), ("events", "conversation.ended")])
        #expect(page.status == 422)
        #expect(try fixture.store.find(id: id)?.name == "Original")
    }

    @Test func savingAnAutoDisabledWebhookWithActiveCheckedEnablesIt() throws {
        let fixture = try F()
        let id = try fixture.create("Flaky")
        try DeliveryLog(fixture.database()).disable(subscriptionID: id, reason: "failing for 5 days", now: Timestamp.now())
        let form = try fixture.get("/\(id)/edit")
        #expect(form.html.contains("disabled automatically"))
        #expect(form.html.contains("failing for 5 days"))
        #expect(!form.html.contains("name=\"active\" value=\"1\" checked"))
        let saved = try fixture.post(
            "/\(id)/edit",
            [
                ("version", "2"), ("name", "Flaky"), ("url", "https://example.com/hook"), ("active", "1"), ("events", "conversation.ended"),
            ])
        #expect(saved.status == 303)
        #expect(try fixture.store.find(id: id)?.status == .active)
        #expect(try fixture.get("/").html.contains(">Active<"))
    }
}
