import Foundation
import HooklineCore
import HooklineDelivery
import HooklineTestSupport
import Testing

/// Sends to real receivers (`e2e/receivers.py`) on 127.0.0.1. Loopback is allow-listed in
/// `loopbackPolicy`; the safety tests use the default (empty) allow-list.
@Suite("DeliveryClient against real receivers")
struct DeliveryClientTests {
    let loopbackPolicy = DeliveryPolicy(
        connectTimeout: 2,
        totalTimeout: 5,
        allowHTTP: true,
        allowedPrivateRanges: [IPRange(cidr: "127.0.0.0/8")!, IPRange(cidr: "::1")!],
        userAgent: "Hookline/test"
    )
    let body = Array(#"{"event_id":"e-1","event_type":"conversation.ended","data":{"agent_name":"Zoë €"}}"#.utf8)

    private func post(_ url: String, policy: DeliveryPolicy? = nil, body: [UInt8]? = nil) -> DeliveryOutcome {
        DeliveryClient(policy: policy ?? loopbackPolicy).send(OutgoingRequest(url: url, body: body ?? self.body))
    }

    // MARK: answers

    @Test func okDeliversExactBodyAndHeaders() throws {
        let receiver = try ReceiverProcess()
        defer { receiver.stop() }
        let request = OutgoingRequest(
            url: receiver.url("/ok"),
            headers: [
                (name: "X-Webhook-Id", value: "e-1"),
                (name: "X-Webhook-Event", value: "conversation.ended"),
                (name: "X-Webhook-Timestamp", value: "1776609000"),
                (name: "X-Webhook-Signature", value: "sha256=abc123"),
            ],
            body: body
        )
        let outcome = DeliveryClient(policy: loopbackPolicy).send(request)

        #expect(outcome.succeeded)
        #expect(outcome.failure == nil)
        #expect(outcome.statusCode == 200)
        #expect(outcome.responseExcerpt == #"{"received":true}"#)
        #expect(!outcome.responseTruncated)
        #expect(outcome.remoteAddress == "127.0.0.1:\(receiver.port)")
        #expect(outcome.latencyMilliseconds > 0 && outcome.latencyMilliseconds < 5000)

        let received = try #require(receiver.requests().first)
        #expect(received.method == "POST")
        #expect(received.path == "/ok")
        #expect(received.body == body)
        #expect(received.header("X-Webhook-Id") == "e-1")
        #expect(received.header("X-Webhook-Event") == "conversation.ended")
        #expect(received.header("X-Webhook-Timestamp") == "1776609000")
        #expect(received.header("X-Webhook-Signature") == "sha256=abc123")
        #expect(received.header("Content-Type") == "application/json")
        #expect(received.header("User-Agent") == "Hookline/test")
        #expect(received.header("Content-Length") == String(body.count))
        #expect(received.header("Expect") == nil)
        #expect(received.header("Accept") == nil, "curl's Accept: */* is not sent")
        #expect(received.headers.filter { $0.name.lowercased() == "content-type" }.count == 1)
        #expect(try #require(received.headerIndex("X-Webhook-Id")) < #require(received.headerIndex("Content-Type")))
    }

    @Test func callerHeadersAreNotDuplicated() throws {
        let receiver = try ReceiverProcess()
        defer { receiver.stop() }
        let request = OutgoingRequest(
            url: receiver.url("/ok"),
            headers: [
                (name: "content-type", value: "application/json; charset=utf-8"),
                (name: "User-Agent", value: "Custom/1"),
            ],
            body: body
        )
        #expect(DeliveryClient(policy: loopbackPolicy).send(request).succeeded)
        let received = try #require(receiver.requests().first)
        #expect(
            received.headers.filter { $0.name.lowercased() == "content-type" }.map(\.value) == [
                "application/json; charset=utf-8"
            ])
        #expect(received.headers.filter { $0.name.lowercased() == "user-agent" }.map(\.value) == ["Custom/1"])
    }

    @Test func emptyAndBinaryBodiesAreSentVerbatim() throws {
        let receiver = try ReceiverProcess()
        defer { receiver.stop() }
        let client = DeliveryClient(policy: loopbackPolicy)
        let binary: [UInt8] = [0, 1, 2, 0xFF, 0x0D, 0x0A, 0x7B, 0x7D]
        #expect(client.send(OutgoingRequest(url: receiver.url("/ok"), body: [])).succeeded)
        #expect(client.send(OutgoingRequest(url: receiver.url("/ok"), body: binary)).succeeded)
        let large = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        #expect(client.send(OutgoingRequest(url: receiver.url("/ok"), body: large)).succeeded)
        let received = receiver.requests()
        #expect(received.map(\.body) == [[], binary, large])
        #expect(received.first?.header("Content-Length") == "0")
        #expect(received.last?.header("Expect") == nil)
    }

    @Test func consecutiveSendsReuseOneConnection() throws {
        let receiver = try ReceiverProcess()
        defer { receiver.stop() }
        let client = DeliveryClient(policy: loopbackPolicy)
        for path in ["/ok", "/nocontent", "/error", "/ok"] {
            _ = client.send(OutgoingRequest(url: receiver.url(path), body: body))
        }
        let received = receiver.requests()
        #expect(received.count == 4)
        #expect(Set(received.map(\.connection)).count == 1)
        #expect(receiver.connectionCount() == 1)
    }

    @Test func noContentIsSuccess() throws {
        let receiver = try ReceiverProcess()
        defer { receiver.stop() }
        let outcome = post(receiver.url("/nocontent"))
        #expect(outcome.succeeded)
        #expect(outcome.statusCode == 204)
        #expect(outcome.responseExcerpt == "")
    }

    @Test func redirectIsNotFollowed() throws {
        let receiver = try ReceiverProcess()
        defer { receiver.stop() }
        let outcome = post(receiver.url("/redirect"))
        #expect(outcome.statusCode == 301)
        #expect(outcome.failure == .redirect(status: 301, location: "https://example.com/new-endpoint"))
        #expect(outcome.failure?.kind == .redirect)
        #expect(
            outcome.failure?.message
                == "The receiver answered 301 (redirect to https://example.com/new-endpoint). Hookline does not follow redirects; update the target URL."
        )
        #expect(receiver.requests().count == 1)
    }

    @Test func goneAndServerErrorAreHTTPStatusFailures() throws {
        let receiver = try ReceiverProcess()
        defer { receiver.stop() }
        let gone = post(receiver.url("/gone"))
        #expect(gone.failure == .httpStatus(410))
        #expect(gone.statusCode == 410)
        let error = post(receiver.url("/error"))
        #expect(error.failure == .httpStatus(500))
        #expect(error.failure?.kind == .httpStatus)
        #expect(error.failure?.message == "The receiver answered HTTP 500")
        #expect(error.responseExcerpt == #"{"error":"internal"}"#)
        #expect(error.retryAfter == nil)
    }

    @Test func unavailableReportsRetryAfter() throws {
        let receiver = try ReceiverProcess()
        defer { receiver.stop() }
        let outcome = post(receiver.url("/unavailable"))
        #expect(outcome.failure == .httpStatus(503))
        #expect(outcome.retryAfter == "120")
        let limited = post(receiver.url("/ratelimited"))
        #expect(limited.failure == .httpStatus(429))
        #expect(limited.retryAfter == "7")
    }

    @Test func hangingReceiverTimesOut() throws {
        let receiver = try ReceiverProcess()
        defer { receiver.stop() }
        var policy = loopbackPolicy
        policy.totalTimeout = 1
        let outcome = post(receiver.url("/hang"), policy: policy)
        #expect(outcome.failure == .timeout(seconds: 1))
        #expect(outcome.failure?.message == "Timed out after 1 s")
        #expect(outcome.statusCode == nil)
        #expect(outcome.latencyMilliseconds >= 900 && outcome.latencyMilliseconds < 3000)
        #expect(receiver.requests().first?.body == body)
    }

    @Test func hugeResponseIsCappedAndStillSucceeds() throws {
        let receiver = try ReceiverProcess()
        defer { receiver.stop() }
        let outcome = post(receiver.url("/huge"))
        #expect(outcome.succeeded)
        #expect(outcome.statusCode == 200)
        #expect(outcome.responseExcerpt == String(repeating: "x", count: 4096))
        #expect(outcome.responseTruncated)
        #expect(outcome.latencyMilliseconds < 5000)
    }

    @Test func responseIsDrainedUpToTheLimitKeepingTheConnection() throws {
        let receiver = try ReceiverProcess()
        defer { receiver.stop() }
        var policy = loopbackPolicy
        policy.responseCap = 10
        policy.responseDrainLimit = 8 << 20
        let client = DeliveryClient(policy: policy)
        let huge = client.send(OutgoingRequest(url: receiver.url("/huge"), body: body))
        #expect(huge.succeeded)
        #expect(huge.responseExcerpt == "xxxxxxxxxx")
        #expect(huge.responseTruncated)
        #expect(client.send(OutgoingRequest(url: receiver.url("/ok"), body: body)).succeeded)
        #expect(receiver.connectionCount() == 1)
    }

    // MARK: several at once (sendAll)

    @Test func sendAllDoesNotWaitForAHangingReceiver() throws {
        let receiver = try ReceiverProcess()
        defer { receiver.stop() }
        var policy = loopbackPolicy
        policy.totalTimeout = 1.5
        let requests =
            [OutgoingRequest(url: receiver.url("/hang"), body: body)]
            + (1...5).map { OutgoingRequest(url: receiver.url("/ok/\($0)"), body: body) }
        let outcomes = DeliveryClient(policy: policy).sendAll(requests)

        try #require(outcomes.count == 6)
        #expect(outcomes[0].failure == .timeout(seconds: 1.5))
        #expect(outcomes[0].latencyMilliseconds >= 1400)
        for outcome in outcomes.dropFirst() {
            #expect(outcome.succeeded, "\(String(describing: outcome.failure))")
            #expect(outcome.latencyMilliseconds < 750)
        }
        // Every fast receiver got its request while the hanging one was still holding its
        // connection (one after another, each would arrive >= 1.5 s after the hang began).
        let received = receiver.requests()
        let hang = try #require(received.first { $0.path == "/hang" })
        let fast = received.filter { $0.path.hasPrefix("/ok/") }
        #expect(Set(fast.map(\.path)) == Set((1...5).map { "/ok/\($0)" }))
        for request in fast {
            #expect(request.receivedAt - hang.receivedAt < 1.0, "\(request.path)")
        }
    }

    @Test func sendAllKeepsTheOrderOfTheRequests() throws {
        let receiver = try ReceiverProcess()
        defer { receiver.stop() }
        let client = DeliveryClient(policy: loopbackPolicy)
        #expect(client.sendAll([]).isEmpty)
        let paths = ["/error", "/ok", "/gone", "/nocontent", "/redirect", "ftp://example.com/x", "/unavailable", "/ok"]
        let requests = paths.map { OutgoingRequest(url: $0.hasPrefix("/") ? receiver.url($0) : $0, body: body) }
        // Two at a time, so later requests wait for free slots.
        let outcomes = client.sendAll(requests, maximumConcurrent: 2)
        #expect(outcomes.map(\.statusCode) == [500, 200, 410, 204, 301, nil, 503, 200])
        #expect(outcomes[5].failure == .unsupportedScheme("ftp"))
        #expect(outcomes[6].retryAfter == "120")
        #expect(receiver.requests().count == 7)
        // A single send after the batch still works on the same client.
        #expect(client.send(OutgoingRequest(url: receiver.url("/ok"), body: body)).succeeded)
    }

    @Test func sendAllReusesConnectionsWithinAndAcrossCalls() throws {
        let receiver = try ReceiverProcess()
        defer { receiver.stop() }
        let client = DeliveryClient(policy: loopbackPolicy)
        let three = (1...3).map { OutgoingRequest(url: receiver.url("/ok/\($0)"), body: body) }
        #expect(client.sendAll(three + three, maximumConcurrent: 3).allSatisfy { $0.succeeded })
        #expect(client.sendAll(three).allSatisfy { $0.succeeded })
        #expect(receiver.requests().count == 9)
        #expect(receiver.connectionCount() == 3)
    }

    // MARK: queued transfers (enqueue, advance)

    /// Moves `client` on until every ticket in `tickets` has completed; the completions by ticket.
    private func complete(_ tickets: [Int], on client: DeliveryClient, limits: DeliveryClient.Limits) -> [Int: DeliveryOutcome?] {
        var completions: [Int: DeliveryOutcome?] = [:]
        while !tickets.allSatisfy({ completions[$0] != nil }) {
            for completion in client.advance(limits: limits, waitMilliseconds: 1000) {
                completions[completion.ticket] = completion.outcome
            }
        }
        return completions
    }

    @Test func oneReceiverGetsNoMoreConnectionsThanItsLimitWhileOthersGoOn() throws {
        let busy = try ReceiverProcess()
        defer { busy.stop() }
        let other = try ReceiverProcess()
        defer { other.stop() }
        let client = DeliveryClient(policy: loopbackPolicy)
        let tickets =
            (1...8).map { client.enqueue(OutgoingRequest(url: busy.url("/ok/\($0)"), body: body)) }
            + [client.enqueue(OutgoingRequest(url: other.url("/ok"), body: body))]
        let completions = complete(tickets, on: client, limits: DeliveryClient.Limits(total: 10, perReceiver: 2))
        #expect(tickets.allSatisfy { completions[$0]??.succeeded == true })
        #expect(busy.requests().count == 8)
        #expect(busy.connectionCount() == 2, "eight requests over two kept-alive connections")
        #expect(other.requests().count == 1)
        #expect(client.pendingCount == 0)
    }

    @Test func aQueuedTransferThatCannotStartInTimeEndsUnsent() throws {
        let receiver = try ReceiverProcess()
        defer { receiver.stop() }
        var policy = loopbackPolicy
        policy.totalTimeout = 1.5
        let client = DeliveryClient(policy: policy)
        let hanging = client.enqueue(OutgoingRequest(url: receiver.url("/hang"), body: body))
        let late = client.enqueue(OutgoingRequest(url: receiver.url("/ok/late"), body: body), startWithin: 0.5)
        let refused = client.enqueue(OutgoingRequest(url: "ftp://example.com/x", body: body), startWithin: 0)
        let completions = complete([hanging, late, refused], on: client, limits: DeliveryClient.Limits(total: 10, perReceiver: 1))
        #expect(completions[hanging]??.failure == .timeout(seconds: 1.5))
        #expect(completions[late].map { $0 == nil } == true, "not started: the one connection was busy past its start window")
        #expect(completions[refused]??.failure == .unsupportedScheme("ftp"), "refused before any queueing")
        #expect(receiver.requests().map(\.path) == ["/hang"])
    }

    @Test func aTransferThatWaitedLongEnoughForItsReceiverStartsOnAConnectionOfItsOwn() throws {
        let receiver = try ReceiverProcess()
        defer { receiver.stop() }
        var policy = loopbackPolicy
        policy.totalTimeout = 2
        let client = DeliveryClient(policy: policy)
        let hanging = client.enqueue(OutgoingRequest(url: receiver.url("/hang"), body: body))
        let next = client.enqueue(OutgoingRequest(url: receiver.url("/ok/next"), body: body))
        let started = Date()
        var ended: [Int: TimeInterval] = [:]
        while ended.count < 2 {
            for completion in client.advance(
                limits: DeliveryClient.Limits(total: 10, perReceiver: 1, perReceiverWait: 0.3), waitMilliseconds: 1000)
            {
                ended[completion.ticket] = Date().timeIntervalSince(started)
            }
        }
        let nextEnded = try #require(ended[next])
        #expect(nextEnded >= 0.3 && nextEnded < 1.5, "after its wait, not after the hanging one's timeout")
        #expect(try #require(ended[hanging]) >= 1.9)
        #expect(receiver.connectionCount() == 2)
    }

    @Test func sendAllLeavesEarlierQueuedTransfersForTheNextAdvance() throws {
        let receiver = try ReceiverProcess()
        defer { receiver.stop() }
        let client = DeliveryClient(policy: loopbackPolicy)
        let queued = client.enqueue(OutgoingRequest(url: receiver.url("/ok/queued"), body: body))
        #expect(client.send(OutgoingRequest(url: receiver.url("/nocontent"), body: body)).statusCode == 204)
        let completions = complete([queued], on: client, limits: DeliveryClient.Limits(total: 1, perReceiver: 1))
        #expect(completions[queued]??.statusCode == 200)
        #expect(client.pendingCount == 0)
    }

    @Test func sendAllChecksTheAddressOfEveryTransfer() throws {
        let receiver = try ReceiverProcess()
        defer { receiver.stop() }
        let safePolicy = DeliveryPolicy(connectTimeout: 2, totalTimeout: 3, allowHTTP: true)
        let urls = [
            "http://10.0.0.1/hook", receiver.url("/ok"), "http://169.254.169.254/latest/meta-data/",
            "http://localhost:\(receiver.port)/ok", receiver.url("/ok/again"),
        ]
        let outcomes = DeliveryClient(policy: safePolicy).sendAll(urls.map { OutgoingRequest(url: $0, body: body) })
        #expect(outcomes.map { $0.failure?.kind } == [DeliveryFailure.Kind?](repeating: .blockedAddress, count: 5))
        #expect(outcomes[1].failure == .blockedAddress("127.0.0.1 is a loopback address"))
        #expect(outcomes[1].remoteAddress == "127.0.0.1:\(receiver.port)")
        #expect(outcomes.allSatisfy { $0.latencyMilliseconds < 1000 })
        #expect(receiver.connectionCount() == 0)

        // The same batch with loopback allow-listed does reach the receiver.
        let allowed = DeliveryClient(policy: loopbackPolicy).sendAll(
            [receiver.url("/ok"), receiver.url("/ok/again")].map {
                OutgoingRequest(url: $0, body: body)
            })
        #expect(allowed.allSatisfy { $0.succeeded })
        #expect(receiver.requests().count == 2)
    }

    // MARK: TLS

    @Test func httpsVerifiesAgainstTheConfiguredCA() throws {
        let receiver = try ReceiverProcess(tls: true)
        defer { receiver.stop() }
        let caFile = try #require(receiver.caFile)
        #expect(receiver.baseURL.hasPrefix("https://127.0.0.1:"))

        var trusting = loopbackPolicy
        trusting.caBundle = caFile
        trusting.allowHTTP = false
        let verified = post(receiver.url("/ok"), policy: trusting)
        #expect(verified.succeeded)
        #expect(verified.statusCode == 200)
        #expect(receiver.requests().first?.body == body)

        let viaName = post("https://localhost:\(receiver.port)/ok", policy: trusting)
        #expect(viaName.succeeded, "\(String(describing: viaName.failure))")

        let untrusted = post(receiver.url("/ok"))
        #expect(untrusted.failure?.kind == .tls)
        #expect(untrusted.failure?.message.hasPrefix("TLS error: ") == true)
        #expect(untrusted.statusCode == nil)
        #expect(receiver.requests().count == 2)
    }

    // MARK: network failures

    @Test func closedPortIsConnectionRefused() {
        let port = closedLoopbackPort()
        let outcome = post("http://127.0.0.1:\(port)/ok")
        #expect(outcome.failure == .connect("Connection refused by 127.0.0.1:\(port)"))
        #expect(outcome.failure?.kind == .connect)
        #expect(outcome.remoteAddress == "127.0.0.1:\(port)")
    }

    @Test func unknownHostIsDNSFailure() {
        let outcome = post("https://nonexistent.invalid/hook")
        #expect(outcome.failure == .dns(host: "nonexistent.invalid"))
        #expect(outcome.failure?.kind == .dns)
        #expect(outcome.remoteAddress == nil)
    }

    // MARK: address safety (default, empty allow-list)

    @Test func loopbackTargetIsBlockedBeforeAnyByteIsSent() throws {
        let receiver = try ReceiverProcess()
        defer { receiver.stop() }
        let safePolicy = DeliveryPolicy(allowHTTP: true)
        let outcome = post(receiver.url("/ok"), policy: safePolicy)
        #expect(outcome.failure == .blockedAddress("127.0.0.1 is a loopback address"))
        #expect(outcome.failure?.kind == .blockedAddress)
        #expect(outcome.failure?.message.hasPrefix("Blocked: 127.0.0.1 is a loopback address. ") == true)
        #expect(outcome.statusCode == nil)
        #expect(outcome.remoteAddress == "127.0.0.1:\(receiver.port)")

        // A control delivery that is allowed shows up as the first and only connection,
        // so the blocked one really never reached the receiver.
        #expect(post(receiver.url("/ok")).succeeded)
        #expect(receiver.connectionCount() == 1)
        #expect(receiver.requests().count == 1)
    }

    @Test(arguments: [
        ("http://[::1]:9/hook", "::1 is the loopback address"),
        ("http://10.0.0.1/hook", "10.0.0.1 is a private (RFC 1918) address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("https://[::ffff:127.0.0.1]/hook", "::ffff:127.0.0.1 is the IPv4-mapped form of 127.0.0.1"),
        ("http://0.0.0.0:9/hook", "0.0.0.0 is a \"this network\" address"),
    ])
    func nonPublicTargetIsBlocked(_ url: String, _ reasonPrefix: String) throws {
        let outcome = post(url, policy: DeliveryPolicy(connectTimeout: 2, totalTimeout: 3, allowHTTP: true))
        guard case .blockedAddress(let reason) = outcome.failure else {
            Issue.record("expected blocked, got \(String(describing: outcome.failure))")
            return
        }
        #expect(reason.hasPrefix(reasonPrefix), "\(reason)")
        #expect(outcome.latencyMilliseconds < 1000)
    }

    @Test func localhostNameIsBlocked() throws {
        let receiver = try ReceiverProcess()
        defer { receiver.stop() }
        let outcome = post("http://localhost:\(receiver.port)/ok", policy: DeliveryPolicy(allowHTTP: true))
        guard case .blockedAddress(let reason) = outcome.failure else {
            Issue.record("expected blocked, got \(String(describing: outcome.failure))")
            return
        }
        #expect(reason.contains("loopback"))
        #expect(receiver.connectionCount() == 0)
    }

    @Test func allowListOpensExactlyTheListedRange() throws {
        let receiver = try ReceiverProcess()
        defer { receiver.stop() }
        let wrongRange = DeliveryPolicy(allowHTTP: true, allowedPrivateRanges: [IPRange(cidr: "10.0.0.0/8")!])
        #expect(post(receiver.url("/ok"), policy: wrongRange).failure?.kind == .blockedAddress)
        let rightRange = DeliveryPolicy(allowHTTP: true, allowedPrivateRanges: [IPRange(cidr: "127.0.0.1")!])
        #expect(post(receiver.url("/ok"), policy: rightRange).succeeded)
        #expect(receiver.connectionCount() == 1)
    }

    // MARK: checks before any network activity

    @Test func schemesOtherThanHTTPSAreRefused() {
        let strict = DeliveryPolicy()
        #expect(post("http://example.com/hook", policy: strict).failure == .unsupportedScheme("http"))
        #expect(post("ftp://example.com/hook", policy: strict).failure == .unsupportedScheme("ftp"))
        #expect(post("file:///etc/passwd", policy: strict).failure == .unsupportedScheme("file"))
        #expect(post("gopher://example.com/", policy: loopbackPolicy).failure == .unsupportedScheme("gopher"))
        #expect(post("ftp://example.com/hook", policy: strict).failure?.kind == .invalidURL)
    }

    @Test(arguments: [
        "", "not a url", "https://", "https:///path", "https://exa mple.com/", "//example.com/x",
        "https://example.com/\r\nX: y",
    ])
    func malformedURLIsInvalid(_ url: String) {
        let outcome = post(url, policy: DeliveryPolicy())
        #expect(outcome.failure?.kind == .invalidURL, "\(url): \(String(describing: outcome.failure))")
        #expect(outcome.latencyMilliseconds == 0)
    }

    @Test func headerInjectionIsRefused() {
        let client = DeliveryClient(policy: loopbackPolicy)
        let injected = OutgoingRequest(
            url: "http://127.0.0.1:9/", headers: [(name: "X-A", value: "1\r\nX-B: 2")], body: [])
        #expect(client.send(injected).failure?.kind == .other)
        let badName = OutgoingRequest(url: "http://127.0.0.1:9/", headers: [(name: "X A", value: "1")], body: [])
        #expect(client.send(badName).failure?.kind == .other)
    }
}

/// The console's form and the sender use the same `TargetURL`, so they agree on every URL: what
/// the form accepts gets as far as the address check, what it refuses never reaches curl.
@Suite struct TargetURLAgreementTests {
    @Test(arguments: [
        "https://127.0.0.1/hook", "https://127.0.0.1:8443/a?b=c", "https://[::1]/x", "https://[::ffff:127.0.0.1]:9/",
        "https://127.0.0.1:0/", "https://127.0.0.1/#f", "https://u:p@127.0.0.1/", "https:///127.0.0.1",
        "https://127.0.0.1 /", "ftp://127.0.0.1/", "http://127.0.0.1/", "https://[::1/", "127.0.0.1/hook",
    ])
    func formAndSenderAgree(_ url: String) {
        let client = DeliveryClient(policy: DeliveryPolicy())
        let outcome = client.send(OutgoingRequest(url: url, headers: [], body: []))
        let formAccepts = TargetURL.problem(with: url, allowHTTP: false) == nil
        if formAccepts {
            #expect(outcome.failure?.kind == .blockedAddress, "\(url): \(String(describing: outcome.failure))")
        } else {
            #expect(outcome.failure?.kind == .invalidURL, "\(url): \(String(describing: outcome.failure))")
            #expect(outcome.latencyMilliseconds == 0)
        }
    }
}
