import HooklineCGI
import HooklineStore
import HooklineTestSupport
import Testing

@testable import HooklineAPI

/// The endpoints of issue #11 — metrics, test send, resend, recover, the deliveries' `status`
/// filter — against a real config and SQLite file, with a token of each scope. Sending itself
/// runs in `hookline-send` (HooklineSenderTests, the e2e tests); here a recording sender shows
/// what reaches it and when.
@Suite struct OperationsAPITests {
    let fixture: ConsoleFixture
    let admin: String
    let ingest: String
    let metrics: String

    init() throws {
        fixture = try ConsoleFixture()
        let tokens = TokenStore(try fixture.database())
        admin = try tokens.create(name: "automation", scope: .admin, actor: "setup", now: Timestamp.now()).token
        ingest = try tokens.create(name: "platform", scope: .ingest, actor: "setup", now: Timestamp.now()).token
        metrics = try tokens.create(name: "prometheus", scope: .metrics, actor: "setup", now: Timestamp.now()).token
    }

    func call(
        _ method: String, _ path: String, token: String, query: String = "", body: String? = nil,
        contentType: String = "application/json", sender: (any APISender)? = nil
    ) throws -> (status: Int, response: Response, json: JSONValue?) {
        var env = fixture.environment(method, "/api/v1" + path, query: query, cookie: false)
        env["HTTP_AUTHORIZATION"] = "Bearer " + token
        let bytes = Array((body ?? "").utf8)
        if body != nil {
            env["CONTENT_TYPE"] = contentType
            env["CONTENT_LENGTH"] = String(bytes.count)
        }
        let request = try Request(environment: env, readBody: { Array(bytes.prefix($0)) })
        let response = API.respond(to: request, sender: sender)
        #expect(response.header("Cache-Control") == "no-store")
        return (response.status.code, response, try? JSONValue(parsing: String(decoding: response.body, as: UTF8.self)))
    }

    @Test func metricsNeedTheMetricsOrAdminScope() throws {
        for token in [metrics, admin] {
            let answer = try call("GET", "/metrics", token: token)
            #expect(answer.status == 200)
            #expect(answer.response.header("Content-Type") == Metrics.contentType)
            let text = String(decoding: answer.response.body, as: UTF8.self)
            #expect(text.contains("# TYPE hookline_deliveries_total counter"))
            #expect(text.contains("hookline_subscriptions{status=\"active\"} 0"))
        }
        let refused = try call("GET", "/metrics", token: ingest)
        #expect(refused.status == 403)
        #expect(refused.response.header("Content-Type") == "application/problem+json")
        #expect(try call("GET", "/subscriptions/1/deliveries", token: metrics).status == 403)
    }

    @Test func onlyTheTestAndResendPostsAreHandedToTheSender() {
        #expect(API.sends(method: .post, pathInfo: "/api/v1/subscriptions/3/test"))
        #expect(API.sends(method: .post, pathInfo: "/api/v1/subscriptions/3/deliveries/7/resend"))
        #expect(!API.sends(method: .get, pathInfo: "/api/v1/subscriptions/3/test"))
        #expect(!API.sends(method: .post, pathInfo: "/api/v1/subscriptions/3/recover"))
        #expect(!API.sends(method: .post, pathInfo: "/api/v1/subscriptions"))
        #expect(!API.sends(method: .post, pathInfo: "/api/v1/subscriptions/03/test"))
        #expect(!API.sends(method: .post, pathInfo: "/api/v2/subscriptions/3/test"))
        #expect(!API.sends(method: .post, pathInfo: "/3/test"))
    }

    @Test func testSendChecksEverythingBeforeTheSenderRuns() throws {
        let sender = RecordingSender()
        let id = try fixture.create(events: ["conversation.ended"])
        #expect(
            try call("POST", "/subscriptions/9999/test", token: admin, body: #"{"event_type":"conversation.ended"}"#, sender: sender).status
                == 404)
        let wrongType = try call(
            "POST", "/subscriptions/\(id)/test", token: admin, body: #"{"event_type":"conversation.started"}"#, sender: sender)
        #expect(wrongType.status == 422)
        #expect(wrongType.json?["errors"]?["event_type"] != nil)
        #expect(try call("POST", "/subscriptions/\(id)/test", token: admin, body: "{}", sender: sender).status == 422)
        #expect(try call("POST", "/subscriptions/\(id)/test", token: admin, body: #"{"event_type":1}"#, sender: sender).status == 422)
        #expect(
            try call("POST", "/subscriptions/\(id)/test", token: admin, body: "event_type=x", contentType: "text/plain", sender: sender)
                .status == 415)
        #expect(try call("POST", "/subscriptions/\(id)/test", token: admin, body: "{", sender: sender).status == 400)
        #expect(
            try call("POST", "/subscriptions/\(id)/test", token: ingest, body: #"{"event_type":"conversation.ended"}"#, sender: sender)
                .status == 403)
        #expect(try call("POST", "/subscriptions/\(id)/deliveries/12345/resend", token: admin, sender: sender).status == 404)
        #expect(sender.calls.isEmpty)

        // All send slots taken: the sender's refusal is a 503 with Retry-After.
        let busy = try call(
            "POST", "/subscriptions/\(id)/test", token: admin, body: #"{"event_type":"conversation.ended"}"#, sender: sender)
        #expect(busy.status == 503)
        #expect(busy.response.header("Retry-After") == "5")
        #expect(busy.json?["type"]?.stringValue == "urn:hookline:problem:busy")
        #expect(sender.calls == ["test conversation.ended \(id)"])
    }

    @Test func aSendingEndpointWithoutASenderIsAnInternalError() throws {
        let id = try fixture.create(events: ["conversation.ended"])
        let answer = try call("POST", "/subscriptions/\(id)/test", token: admin, body: #"{"event_type":"conversation.ended"}"#)
        #expect(answer.status == 500)
    }

    @Test func recoverTakesAnRFC3339SinceAndAnswersTheCount() throws {
        let id = try fixture.create()
        for bad in [
            #"{"since":"yesterday"}"#, #"{"since":"2026-04-19T14:30"}"#, #"{"since":"2026-02-30T00:00:00Z"}"#, #"{"since":3}"#, "{}",
        ] {
            let answer = try call("POST", "/subscriptions/\(id)/recover", token: admin, body: bad)
            #expect(answer.status == 422, "\(bad)")
            #expect(answer.json?["errors"]?["since"] != nil, "\(bad)")
        }
        #expect(try call("POST", "/subscriptions/\(id)/recover", token: admin, body: #"{"since":"x","until":"y"}"#).status == 422)
        #expect(try call("POST", "/subscriptions/9999/recover", token: admin, body: #"{"since":"2026-04-19T14:30:00Z"}"#).status == 404)
        #expect(try call("POST", "/subscriptions/\(id)/recover", token: ingest, body: #"{"since":"2026-04-19T14:30:00Z"}"#).status == 403)
        let done = try call("POST", "/subscriptions/\(id)/recover", token: admin, body: #"{"since":"2026-04-19T16:30:00+02:00"}"#)
        #expect(done.status == 202)
        #expect(done.json?["queued"] == .int(0))
        #expect(OperationsEndpoint.rfc3339("2026-04-19T16:30:00.5+02:00") == OperationsEndpoint.rfc3339("2026-04-19T14:30:00Z"))
    }

    @Test func deliveriesFilterByStatus() throws {
        let id = try fixture.create()
        for status in ["delivered", "failed", "pending", "held"] {
            let answer = try call("GET", "/subscriptions/\(id)/deliveries", token: admin, query: "status=\(status)")
            #expect(answer.status == 200)
            #expect(answer.json?["data"] == .array([]))
        }
        let bad = try call("GET", "/subscriptions/\(id)/deliveries", token: admin, query: "status=lost&after=0")
        #expect(bad.status == 422)
        #expect(bad.json?["errors"]?["status"] != nil && bad.json?["errors"]?["after"] != nil)
    }
}

/// Records what reaches it and refuses as a busy `hookline-send` does.
final class RecordingSender: APISender, @unchecked Sendable {
    private(set) var calls: [String] = []

    func sendTest(_ eventType: EventType, to subscription: Subscription, store: Store, config: Configuration, now: Int) throws -> Int {
        calls.append("test \(eventType.name) \(subscription.id)")
        throw Problem.busySending(slots: 2)
    }

    func resend(_ delivery: Delivery, to subscription: Subscription, store: Store, config: Configuration, now: Int) throws -> Int {
        calls.append("resend \(delivery.id) \(subscription.id)")
        throw Problem.busySending(slots: 2)
    }
}
