import HooklineCGI
import HooklineConsole
import HooklineStore
import HooklineTestSupport
import Testing

@Suite struct AccessTests {
    typealias F = ConsoleFixture

    @Test(arguments: ["/nope", "/0/edit", "/01/edit", "/-1/edit", "/1/edit/extra", "/99999999999999999999999/edit"])
    func unknownPathsAre404(_ path: String) throws {
        let fixture = try F()
        let page = try fixture.get(path)
        #expect(page.status == 404)
    }

    @Test func trailingSlashRedirectsAGetAndRefusesOtherMethods() throws {
        let fixture = try F()
        let id = try fixture.create()
        let get = try fixture.get("/\(id)/test/", query: "attempt=3")
        #expect(get.status == 303)
        #expect(get.location == "/webhooks/\(id)/test?attempt=3")
        #expect(try fixture.get("/\(id)/edit//").location == "/webhooks/\(id)/edit")
        #expect(try fixture.get("/nope/").status == 404)
        #expect(try fixture.post("/\(id)/test/", [("event", "conversation.ended")]).status == 404)
        #expect(try fixture.post("/\(id)/deliveries/1/resend/", []).status == 404)
    }

    @Test func anUnreachablePostgreSQLDatabaseIsA503WithoutThePassword() throws {
        let fixture = try F()
        fixture.temporary.write(
            "hookline.conf",
            """
            database = postgresql://hookline:pg-s3cret@/hookline?host=\(fixture.directory)/no-server
            templates = \(F.templatesDirectory)
            anonymous = dev
            """)
        let page = try fixture.get("/")
        #expect(page.status == 503)
        #expect(page.html.contains("Hookline could not reach its PostgreSQL database."))
        #expect(!page.html.contains("pg-s3cret") && !page.html.contains("postgresql://"))
    }

    @Test func routesThatSendNeedTheSender() throws {
        let sending = Console.routes.filter(\.sends).map { $0.pattern.joined(separator: "/") }
        #expect(sending == [":id/test", ":id/deliveries/:attempt/resend"])
        // Reading the test page needs no sender; sending without one is a wiring fault, not a crash.
        let fixture = try F()
        let id = try fixture.create()
        #expect(try fixture.get("/\(id)/test").status == 200)
        let post = try fixture.post("/\(id)/test", [("event", "conversation.ended")])
        #expect(post.status == 500)
        #expect(post.html.contains("served by hookline-send"))
    }

    @Test func unknownSubscriptionIs404() throws {
        let fixture = try F()
        let page = try fixture.get("/42/edit")
        #expect(page.status == 404)
        #expect(page.html.contains("no webhook with id 42"))
    }

    @Test func wrongMethodIs405WithAllow() throws {
        let fixture = try F()
        let inventory = try fixture.post("/", [])
        #expect(inventory.status == 405)
        #expect(inventory.header("Allow") == "GET, HEAD")
        let id = try fixture.create()
        let secretGet = try fixture.get("/\(id)/secret")
        #expect(secretGet.status == 405)
        #expect(secretGet.header("Allow") == "POST")
        let request = try Request(environment: fixture.environment("DELETE", "/new"), readBody: { _ in [] })
        let delete = Page(Console.respond(to: request))
        #expect(delete.status == 405)
        #expect(delete.header("Allow") == "GET, HEAD, POST")
        #expect(try fixture.store.count() == 1)
    }

    @Test func headIsAnsweredLikeGet() throws {
        let fixture = try F()
        let request = try Request(environment: fixture.environment("HEAD", "/"), readBody: { _ in [] })
        #expect(Console.respond(to: request).status.code == 200)
    }

    @Test func withoutUserAndWithoutAnonymousAccessSignInIsRequired() throws {
        let fixture = try F(anonymous: false)
        let page = try fixture.get("/")
        #expect(page.status == 403)
        #expect(page.html.contains("Sign-in required"))
        #expect(page.html.contains("REMOTE_USER"))
        let post = try fixture.post("/new", validCreateFields())
        #expect(post.status == 403)
        #expect(try fixture.store.count() == 0)
    }

    @Test func remoteUserIsShownAndRecorded() throws {
        let fixture = try F(anonymous: false)
        let page = try fixture.get("/", user: "alice@example.com")
        #expect(page.status == 200)
        #expect(page.html.contains("alice@example.com"))
        let created = try fixture.post("/new", validCreateFields(), user: "alice@example.com")
        #expect(created.status == 303)
        #expect(try AuditLog(fixture.database()).recent().first?.actor == "alice@example.com")
    }

    @Test func anonymousDevAccessNamesTheActor() throws {
        let fixture = try F(anonymous: true)
        #expect(try fixture.post("/new", validCreateFields()).status == 303)
        #expect(try AuditLog(fixture.database()).recent().first?.actor.contains("anonymous") == true)
    }

    @Test func postWithoutCSRFTokenChangesNothing() throws {
        let fixture = try F()
        let missing = try fixture.post("/new", validCreateFields(), token: "")
        #expect(missing.status == 403)
        #expect(missing.html.contains("security token"))
        let wrong = try fixture.post("/new", validCreateFields(), token: String(repeating: "f", count: 64))
        #expect(wrong.status == 403)
        let noCookie = try fixture.post("/new", validCreateFields(), cookie: false)
        #expect(noCookie.status == 403)
        let twice = try fixture.post("/new", validCreateFields() + [("csrf_token", fixture.csrf)])
        #expect(twice.status == 403)
        #expect(try fixture.store.count() == 0)
    }

    @Test func crossSitePostsAreRefused() throws {
        let fixture = try F()
        let id = try fixture.create()
        let origin = try fixture.post("/\(id)/delete", [("version", "1")], extra: ["HTTP_ORIGIN": "https://evil.example"])
        #expect(origin.status == 403)
        let site = try fixture.post("/\(id)/delete", [("version", "1")], extra: ["HTTP_SEC_FETCH_SITE": "cross-site"])
        #expect(site.status == 403)
        #expect(try fixture.store.find(id: id) != nil)
        // The same origin is fine.
        let same = try fixture.post(
            "/\(id)/delete", [("version", "1")],
            extra: ["HTTP_ORIGIN": "http://console.test", "HTTP_SEC_FETCH_SITE": "same-origin"])
        #expect(same.status == 303)
        #expect(try fixture.store.find(id: id) == nil)
    }

    @Test func missingConfigIsAClearError() throws {
        let request = try Request(
            environment: [
                "REQUEST_METHOD": "GET", "SCRIPT_NAME": "/webhooks", "PATH_INFO": "/", "HOOKLINE_CONFIG": "/nonexistent/hookline.conf",
            ],
            readBody: { _ in [] })
        let page = Page(Console.respond(to: request))
        #expect(page.status == 500)
        #expect(page.html.contains("HOOKLINE_CONFIG"))
        #expect(!page.html.contains("/nonexistent"), "the path goes to the error log, not to the browser")
    }
}

func validCreateFields(name: String = "CRM sync", url: String = "https://crm.example/hooks") -> [(String, String)] {
    [
        ("name", name), ("url", url), ("active", "1"), ("events", "conversation.ended"), ("events", "conversation.started"),
        ("signature_scheme", "hookline"), ("generate_secret", "1"),
    ]
}

@Suite struct PublicOriginTests {
    typealias F = ConsoleFixture

    @Test func otherHostsAreRefusedWhereTheOriginIsConfigured() throws {
        let fixture = try F(extraConfig: "public_origin = http://console.test")
        #expect(try fixture.get("/").status == 200)
        // DNS rebinding: the attacker's name resolves to the console, the Host header says so.
        let rebound = try fixture.get("/", extra: ["HTTP_HOST": "attacker.example"])
        #expect(rebound.status == 400)
        #expect(rebound.html.contains("does not answer at the address"))
        let id = try fixture.create()
        let post = try fixture.post("/\(id)/active", [("active", "0"), ("version", "1")], extra: ["HTTP_HOST": "attacker.example"])
        #expect(post.status == 400)
        #expect(try fixture.store.find(id: id)?.active == true)
    }

    @Test func formsMustComeFromAConfiguredOrigin() throws {
        let fixture = try F(extraConfig: "public_origin = http://console.test")
        let id = try fixture.create()
        let foreign = try fixture.post(
            "/\(id)/active", [("active", "0"), ("version", "1")], extra: ["HTTP_ORIGIN": "http://evil.example"])
        #expect(foreign.status == 403)
        let own = try fixture.post("/\(id)/active", [("active", "0"), ("version", "1")], extra: ["HTTP_ORIGIN": "http://console.test"])
        #expect(own.status == 303)
    }
}
