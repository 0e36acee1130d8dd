import HooklineSigning
import Testing

@Suite("Webhook headers")
struct WebhookHeadersTests {
    private let body = Array(#"{"a":1}"#.utf8)

    private func names(_ headers: [(name: String, value: String)]) -> [String] { headers.map(\.name) }
    private func value(_ name: String, in headers: [(name: String, value: String)]) -> String? {
        headers.first { $0.name == name }?.value
    }

    @Test("Hookline scheme: fixed order and sha256=<hex> over body.timestamp (value from Python hmac)")
    func hooklineSigned() {
        let headers = WebhookHeaders.build(
            scheme: .hookline, secrets: ["whsec_test"], eventID: "evt_1", eventType: "conversation.ended",
            timestamp: 1_700_000_000, body: body)
        #expect(names(headers) == ["X-Webhook-Id", "X-Webhook-Event", "X-Webhook-Timestamp", "X-Webhook-Signature"])
        #expect(headers.map(\.value).prefix(3) == ["evt_1", "conversation.ended", "1700000000"])
        #expect(
            value("X-Webhook-Signature", in: headers)
                == "sha256=be53e6c28964200faf43dcaaccd83cb10e6a71a48f3c3f0ac5208386a65a8ab3")
    }

    @Test("Hookline scheme with two secrets lists both, newest first, comma-separated without spaces")
    func hooklineRotation() throws {
        let headers = WebhookHeaders.build(
            scheme: .hookline, secrets: ["whsec_new", "whsec_test"], eventID: "evt_1", eventType: "t",
            timestamp: 1_700_000_000, body: body)
        let signature = try #require(value("X-Webhook-Signature", in: headers))
        let parts = signature.split(separator: ",").map(String.init)
        #expect(parts.count == 2)
        #expect(parts.allSatisfy { $0.hasPrefix("sha256=") && $0.count == 7 + 64 })
        #expect(parts[1] == "sha256=be53e6c28964200faf43dcaaccd83cb10e6a71a48f3c3f0ac5208386a65a8ab3")
        #expect(!signature.contains(" "))
    }

    @Test("Without secrets the delivery is unsigned but still identified")
    func unsigned() {
        let hookline = WebhookHeaders.build(
            scheme: .hookline, secrets: [], eventID: "e", eventType: "t", timestamp: 1, body: body)
        #expect(names(hookline) == ["X-Webhook-Id", "X-Webhook-Event", "X-Webhook-Timestamp"])
        let standard = WebhookHeaders.build(
            scheme: .standardWebhooks, secrets: [], eventID: "e", eventType: "t", timestamp: 1, body: body)
        #expect(
            names(standard)
                == ["X-Webhook-Id", "X-Webhook-Event", "X-Webhook-Timestamp", "webhook-id", "webhook-timestamp"])
    }

    @Test("Standard Webhooks scheme reproduces the spec's test vector")
    func standardVector() {
        let headers = WebhookHeaders.build(
            scheme: .standardWebhooks, secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
            eventID: "msg_p5jXN8AQM9LWM0D4loKWxJek", eventType: "conversation.started", timestamp: 1_614_265_330,
            body: Array(#"{"test": 2432232314}"#.utf8))
        #expect(
            names(headers) == [
                "X-Webhook-Id", "X-Webhook-Event", "X-Webhook-Timestamp", "webhook-id", "webhook-timestamp",
                "webhook-signature",
            ])
        #expect(value("webhook-id", in: headers) == "msg_p5jXN8AQM9LWM0D4loKWxJek")
        #expect(value("webhook-timestamp", in: headers) == "1614265330")
        #expect(value("webhook-signature", in: headers) == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test("Standard Webhooks scheme with two secrets separates signatures with a space")
    func standardRotation() throws {
        let headers = WebhookHeaders.build(
            scheme: .standardWebhooks,
            secrets: [try SigningSecret.generate(), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
            eventID: "msg_p5jXN8AQM9LWM0D4loKWxJek", eventType: "t", timestamp: 1_614_265_330,
            body: Array(#"{"test": 2432232314}"#.utf8))
        let parts = try #require(value("webhook-signature", in: headers)).split(separator: " ")
        #expect(parts.count == 2)
        #expect(parts[1] == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }
}
