import HooklineCGI
import HooklineConsole
import HooklineCore
import HooklineStore
import HooklineTestSupport
import Testing

@Suite struct InventoryPageTests {
    typealias F = ConsoleFixture

    @Test func listsSubscriptionsWithStatusScopeAndSecret() throws {
        let fixture = try F()
        let scoped = try fixture.create(
            "Scoped hook", url: "https://scoped.example/h", agents: [F.agentB.uuid], secret: "whsec_inventorySecretValue000000000000000000="
        )
        let everyone = try fixture.create(
            "Everyone hook", url: "https://all.example/h", active: false,
            events: ["conversation.ended", "conversation.started"])
        let page = try fixture.get("/")
        #expect(page.status == 200)
        #expect(page.html.contains("<table"))
        for heading in ["Name", "Target URL", "Status", "Events", "Agents", "Secret"] {
            #expect(page.html.contains(">\(heading)"), "missing column \(heading)")
        }
        #expect(page.html.contains("Scoped hook"))
        #expect(page.html.contains("https://scoped.example/h"))
        #expect(page.html.contains("Beta Sales"))
        #expect(page.html.contains("All Agents"))
        #expect(page.html.contains(">Set<"))
        #expect(page.html.contains(">Not set<"))
        #expect(page.html.contains(">Active<"))
        #expect(page.html.contains(">Inactive<"))
        #expect(!page.html.contains("whsec_"))
        #expect(page.html.contains("Hookline \(Hookline.version) ·"), "the footer names the version")
        for id in [scoped, everyone] {
            for action in ["edit", "delete", "test", "deliveries"] {
                #expect(page.html.contains("href=\"/webhooks/\(id)/\(action)\""), "row \(id) lacks \(action) link")
            }
        }
    }

    @Test func disabledSubscriptionShowsItsReason() throws {
        let fixture = try F()
        let id = try fixture.create("Gone hook")
        try DeliveryLog(fixture.database()).disable(subscriptionID: id, reason: "the endpoint answered 410 Gone", now: Timestamp.now())
        let page = try fixture.get("/")
        #expect(page.html.contains(">Disabled<"))
        #expect(page.html.contains("the endpoint answered 410 Gone"))
    }

    @Test func namesAreEscaped() throws {
        let fixture = try F()
        try fixture.create(#"<script>alert("x")</script> & 'co'"#, url: "https://example.com/?a=1&b=<2>")
        let page = try fixture.get("/")
        #expect(page.status == 200)
        #expect(!page.html.contains("<script>alert"))
        #expect(page.html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;"))
        #expect(page.html.contains("https://example.com/?a=1&amp;b=&lt;2&gt;"))
    }

    @Test func emptyInventoryHelps() throws {
        let fixture = try F()
        let page = try fixture.get("/")
        #expect(page.status == 200)
        #expect(page.html.contains("No webhooks yet"))
        #expect(page.html.contains("href=\"/webhooks/new\""))
        #expect(!page.html.contains("<table"))
    }

    @Test func filtersNarrowTheTable() throws {
        let fixture = try F()
        try fixture.create("100% uptime monitor")
        try fixture.create("Billing export", active: false)
        let search = try fixture.get("/", query: "q=100%25")
        #expect(search.html.contains("100% uptime monitor"))
        #expect(!search.html.contains("Billing export"))
        let inactive = try fixture.get("/", query: "status=inactive")
        #expect(inactive.html.contains("Billing export"))
        #expect(!inactive.html.contains("100% uptime monitor"))
        // The filter form keeps what was typed.
        #expect(search.html.contains("value=\"100%\""))
        let none = try fixture.get("/", query: "q=nothing+matches")
        #expect(none.status == 200)
        #expect(none.html.contains("No webhooks match"))
    }

    @Test func pagesLinkToTheNextPage() throws {
        let fixture = try F()
        let store = try fixture.store
        for n in 1...51 {
            _ = try store.create(
                SubscriptionDraft(
                    name: format3(n), url: "https://example.com/\(n)", active: true, signatureScheme: .hookline,
                    eventTypes: ["conversation.ended"], agentUUIDs: []),
                secret: nil, actor: "setup", now: 1)
        }
        let first = try fixture.get("/", query: "status=active")
        #expect(first.html.contains("Hook 050"))
        #expect(!first.html.contains("Hook 051"))
        #expect(first.html.contains("href=\"/webhooks/?status=active&amp;page=2\""))
        let second = try fixture.get("/", query: "status=active&page=2")
        #expect(second.html.contains("Hook 051"))
        #expect(!second.html.contains("Hook 050"))
    }

    @Test(arguments: ["status=bogus", "sort=colour", "dir=up", "page=0", "page=x", "q=a&q=b", "agent=not-a-uuid", "event=Nope"])
    func badFiltersAre400(_ query: String) throws {
        let fixture = try F()
        let page = try fixture.get("/", query: query)
        #expect(page.status == 400)
        #expect(page.html.contains("Bad filter"))
    }

    @Test func firstVisitSetsTheCSRFCookie() throws {
        let fixture = try F()
        let request = fixture.environment("GET", "/", cookie: false)
        let plain = try fixture.getRaw(request)
        let cookie = try #require(plain.header("Set-Cookie"))
        #expect(cookie.hasPrefix("hookline_csrf="))
        #expect(cookie.contains("HttpOnly"))
        #expect(cookie.contains("SameSite"))
        #expect(cookie.contains("Path=/webhooks/"))
        #expect(!cookie.contains("Secure"))
        // The token in the cookie is the one the page's forms carry.
        let token = String(cookie.dropFirst("hookline_csrf=".count).prefix { $0 != ";" })
        #expect(token.count == 64)

        var https = fixture.environment("GET", "/", cookie: false)
        https["HTTPS"] = "on"
        #expect(try fixture.getRaw(https).header("Set-Cookie")?.contains("Secure") == true)

        // A browser that already has the cookie is not given a new one.
        #expect(try fixture.get("/").header("Set-Cookie") == nil)
    }

    @Test func everyPageSendsTheSecurityHeaders() throws {
        let fixture = try F()
        let id = try fixture.create()
        for path in ["/", "/new", "/\(id)", "/\(id)/edit", "/nope", "/audit"] {
            let head = try fixture.get(path).serializedHead
            #expect(head.contains("Content-Security-Policy: "), "\(path)")
            #expect(head.contains("script-src 'self'"), "\(path)")
            #expect(head.contains("frame-ancestors 'none'"), "\(path)")
            #expect(head.contains("X-Content-Type-Options: nosniff"), "\(path)")
            #expect(head.contains("Referrer-Policy: no-referrer"), "\(path)")
        }
    }

    @Test func mountWithoutTrailingSlashRedirects() throws {
        let fixture = try F()
        var env = fixture.environment("GET", "")
        env["PATH_INFO"] = nil
        let page = try fixture.getRaw(env)
        #expect(page.status == 303)
        #expect(page.location == "/webhooks/")
    }
}

func format3(_ n: Int) -> String {
    "Hook " + String(repeating: "0", count: 3 - String(n).count) + String(n)
}

extension ConsoleFixture {
    func getRaw(_ env: [String: String]) throws -> Page {
        Page(Console.respond(to: try Request(environment: env, readBody: { _ in [] })))
    }
}
