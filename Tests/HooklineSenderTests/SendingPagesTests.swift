import Glibc
import HooklineConsole
import HooklineStore
import HooklineTestSupport
import Testing

@testable import HooklineSender

/// The sending pages as `hookline-send` serves them: the console's route table with
/// `DispatchSender`, against a real receiver on 127.0.0.1 and a real SQLite file.
@Suite struct SendingPagesTests {
    static let localConfig = "allow_http = yes\nallowed_private_targets = 127.0.0.0/8\ntimeout = 5"

    @Test func testSendPostsASignedSampleAndShowsTheAnswer() throws {
        let receiver = try ReceiverProcess()
        defer { receiver.stop() }
        let fixture = try ConsoleFixture(extraConfig: Self.localConfig, sender: DispatchSender())
        let id = try fixture.create(url: receiver.url("/nocontent"), secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")

        let sent = try fixture.post("/\(id)/test", [("event", "conversation.ended")])
        #expect(sent.status == 303)
        #expect(sent.locationPath == "/webhooks/\(id)/test")
        let attempt = try #require(sent.locationQuery["attempt"])

        let requests = receiver.requests()
        #expect(requests.count == 1)
        let request = try #require(requests.first)
        #expect(request.method == "POST")
        #expect(request.header("X-Webhook-Event") == "conversation.ended")
        #expect(request.header("X-Webhook-Signature")?.hasPrefix("sha256=") == true)

        let result = try fixture.get("/\(id)/test", query: "attempt=\(attempt)")
        #expect(result.status == 200)
        #expect(result.html.contains("Delivered (204)"))
        #expect(result.html.contains(request.header("X-Webhook-Id") ?? "missing id"))
        #expect(!result.html.contains("whsec_"), "the secret never appears on the page")
    }

    @Test func unknownEventTypeIs422AndSendsNothing() throws {
        let receiver = try ReceiverProcess()
        defer { receiver.stop() }
        let fixture = try ConsoleFixture(extraConfig: Self.localConfig, sender: DispatchSender())
        let id = try fixture.create(url: receiver.url("/nocontent"))
        let page = try fixture.post("/\(id)/test", [("event", "conversation.started")])  // not subscribed
        #expect(page.status == 422)
        #expect(page.html.contains("Choose one of this webhook"))
        #expect(receiver.connectionCount() == 0)
    }

    @Test func resendSendsTheSameEventAgainAsANewAttempt() throws {
        let receiver = try ReceiverProcess()
        defer { receiver.stop() }
        let fixture = try ConsoleFixture(extraConfig: Self.localConfig, sender: DispatchSender())
        let id = try fixture.create(url: receiver.url("/error"))
        let first = try #require(try fixture.post("/\(id)/test", [("event", "conversation.ended")]).locationQuery["attempt"])

        let resent = try fixture.post("/\(id)/deliveries/\(first)/resend", [])
        #expect(resent.status == 303)
        #expect(resent.locationQuery["notice"] == "resent")
        let newAttempt = try #require(Int(resent.locationPath.split(separator: "/").last ?? ""))
        #expect(newAttempt != Int(first))

        let requests = receiver.requests()
        #expect(requests.count == 2)
        #expect(requests[0].header("X-Webhook-Id") == requests[1].header("X-Webhook-Id"), "same event id")
        #expect(requests[0].body == requests[1].body, "same body bytes")
        let page = try fixture.get("/\(id)/deliveries/\(newAttempt)", query: "notice=resent")
        #expect(page.html.contains("Sent again: this is the new attempt."))
        #expect(page.html.contains("Failed: HTTP 500"))

        // An attempt of another webhook is not found, and nothing is sent.
        let other = try fixture.create("Other", url: receiver.url("/nocontent"))
        #expect(try fixture.post("/\(other)/deliveries/\(first)/resend", []).status == 404)
        #expect(receiver.requests().count == 2)
    }
}

@Suite struct SendSlotTests {
    /// With every slot held (as by slow sends in other processes), a test send is a quick 503
    /// with `Retry-After`, and nothing reaches the receiver.
    @Test func testSendsBeyondTheBoundAreA503() throws {
        let receiver = try ReceiverProcess()
        defer { receiver.stop() }
        let fixture = try ConsoleFixture(
            extraConfig: SendingPagesTests.localConfig + "\nmax_concurrent_test_sends = 2", sender: DispatchSender())
        let id = try fixture.create(url: receiver.url("/nocontent"))
        var held: [Int32] = []
        for slot in 0..<2 {
            let fd = open(SendSlots.prefix(for: fixture.testDatabase.location) + String(slot), O_CREAT | O_RDWR, 0o600)
            #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
            held.append(fd)
        }
        let busy = try fixture.post("/\(id)/test", [("event", "conversation.ended")])
        #expect(busy.status == 503)
        #expect(busy.header("Retry-After") == "5")
        #expect(busy.html.contains("try again in a few seconds"))
        #expect(receiver.connectionCount() == 0)

        close(held.removeLast())  // one slot frees up
        #expect(try fixture.post("/\(id)/test", [("event", "conversation.ended")]).status == 303)
        #expect(receiver.connectionCount() == 1)
        for fd in held { close(fd) }
    }
}
