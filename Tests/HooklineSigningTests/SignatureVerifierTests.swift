import HooklineSigning
import Testing

@Suite("Signature verification")
struct SignatureVerifierTests {
    private let body = Array(#"{"event_id":"e1","event_type":"conversation.ended","data":{}}"#.utf8)
    private let timestamp = 1_776_000_000

    private func signedHeaders(_ scheme: SignatureScheme, secrets: [String]) -> [(String, String)] {
        WebhookHeaders.build(
            scheme: scheme, secrets: secrets, eventID: "e1", eventType: "conversation.ended",
            timestamp: timestamp, body: body
        ).map { ($0.name, $0.value) }
    }

    @Test("Round trip: a fresh delivery verifies", arguments: SignatureScheme.allCases)
    func roundTrip(scheme: SignatureScheme) throws {
        let secret = try SigningSecret.generate()
        let result = verifySignature(
            secret: secret, headers: signedHeaders(scheme, secrets: [secret]), body: body, now: timestamp + 12)
        #expect(result == .valid(scheme: scheme))
    }

    @Test(
        "Rotation: with two signatures, either secret verifies, a third does not", arguments: SignatureScheme.allCases)
    func rotation(scheme: SignatureScheme) throws {
        let newSecret = try SigningSecret.generate()
        let oldSecret = try SigningSecret.generate()
        let headers = signedHeaders(scheme, secrets: [newSecret, oldSecret])
        for secret in [newSecret, oldSecret] {
            #expect(
                verifySignature(secret: secret, headers: headers, body: body, now: timestamp) == .valid(scheme: scheme))
        }
        let stranger = try SigningSecret.generate()
        #expect(
            verifySignature(secret: stranger, headers: headers, body: body, now: timestamp)
                == .invalid(reason: .signatureMismatch))
    }

    @Test("One changed body byte is a mismatch", arguments: SignatureScheme.allCases)
    func tamperedBody(scheme: SignatureScheme) throws {
        let secret = try SigningSecret.generate()
        let headers = signedHeaders(scheme, secrets: [secret])
        var tampered = body
        tampered[10] ^= 0x01
        #expect(
            verifySignature(secret: secret, headers: headers, body: tampered, now: timestamp)
                == .invalid(reason: .signatureMismatch))
    }

    @Test("A changed timestamp header is a mismatch, not a fresh request", arguments: SignatureScheme.allCases)
    func replayedWithNewTimestamp(scheme: SignatureScheme) throws {
        let secret = try SigningSecret.generate()
        let headers = signedHeaders(scheme, secrets: [secret]).map { header in
            header.0.lowercased().hasSuffix("timestamp") ? (header.0, String(timestamp + 1000)) : header
        }
        #expect(
            verifySignature(secret: secret, headers: headers, body: body, now: timestamp + 1000)
                == .invalid(reason: .signatureMismatch))
    }

    @Test("Stale and future timestamps are outside the tolerance", arguments: SignatureScheme.allCases)
    func tolerance(scheme: SignatureScheme) throws {
        let secret = try SigningSecret.generate()
        let headers = signedHeaders(scheme, secrets: [secret])
        #expect(
            verifySignature(secret: secret, headers: headers, body: body, now: timestamp + 301)
                == .invalid(reason: .timestampOutsideTolerance(secondsOff: 301)))
        #expect(
            verifySignature(secret: secret, headers: headers, body: body, now: timestamp - 400)
                == .invalid(reason: .timestampOutsideTolerance(secondsOff: -400)))
        #expect(verifySignature(secret: secret, headers: headers, body: body, now: timestamp + 300).isValid)
        #expect(
            verifySignature(secret: secret, headers: headers, body: body, now: timestamp + 3600, tolerance: 3600)
                .isValid)
    }

    @Test("Header names match case-insensitively")
    func caseInsensitive() throws {
        let secret = try SigningSecret.generate()
        let shouted = signedHeaders(.hookline, secrets: [secret]).map { ($0.0.uppercased(), " " + $0.1 + " ") }
        #expect(
            verifySignature(secret: secret, headers: shouted, body: body, now: timestamp) == .valid(scheme: .hookline))
        let standard = signedHeaders(.standardWebhooks, secrets: [secret]).map { ($0.0.uppercased(), $0.1) }
        #expect(
            verifySignature(secret: secret, headers: standard, body: body, now: timestamp)
                == .valid(scheme: .standardWebhooks))
    }

    @Test("Unsigned deliveries and missing headers are named")
    func missingHeaders() throws {
        let secret = try SigningSecret.generate()
        #expect(
            verifySignature(secret: secret, headers: signedHeaders(.hookline, secrets: []), body: body, now: timestamp)
                == .invalid(reason: .missingHeader(name: "X-Webhook-Signature")))
        #expect(
            verifySignature(
                secret: secret, headers: signedHeaders(.standardWebhooks, secrets: []), body: body, now: timestamp)
                == .invalid(reason: .missingHeader(name: "webhook-signature")))
        let noTimestamp = signedHeaders(.hookline, secrets: [secret]).filter { $0.0 != "X-Webhook-Timestamp" }
        #expect(
            verifySignature(secret: secret, headers: noTimestamp, body: body, now: timestamp)
                == .invalid(reason: .missingHeader(name: "X-Webhook-Timestamp")))
        let noID = signedHeaders(.standardWebhooks, secrets: [secret]).filter { $0.0 != "webhook-id" }
        #expect(
            verifySignature(secret: secret, headers: noID, body: body, now: timestamp)
                == .invalid(reason: .missingHeader(name: "webhook-id")))
    }

    @Test("Malformed headers are reported as such")
    func malformed() throws {
        let secret = try SigningSecret.generate()
        func replacing(_ name: String, with value: String, scheme: SignatureScheme) -> [(String, String)] {
            signedHeaders(scheme, secrets: [secret]).map { $0.0 == name ? ($0.0, value) : $0 }
        }
        let cases: [([(String, String)], String)] = [
            (replacing("X-Webhook-Timestamp", with: "yesterday", scheme: .hookline), "X-Webhook-Timestamp"),
            (replacing("X-Webhook-Timestamp", with: "-5", scheme: .hookline), "X-Webhook-Timestamp"),
            (replacing("X-Webhook-Signature", with: "md5=abc", scheme: .hookline), "X-Webhook-Signature"),
            (replacing("X-Webhook-Signature", with: "sha256=xyz", scheme: .hookline), "X-Webhook-Signature"),
            (replacing("webhook-signature", with: "v1,???", scheme: .standardWebhooks), "webhook-signature"),
            (replacing("webhook-timestamp", with: "1e9", scheme: .standardWebhooks), "webhook-timestamp"),
        ]
        for (headers, name) in cases {
            #expect(
                verifySignature(secret: secret, headers: headers, body: body, now: timestamp)
                    == .invalid(reason: .malformedHeader(name: name)))
        }
    }

    @Test("Unknown signature versions are skipped when a known one is present")
    func unknownVersionsSkipped() throws {
        let secret = try SigningSecret.generate()
        let headers = signedHeaders(.standardWebhooks, secrets: [secret]).map {
            $0.0 == "webhook-signature" ? ($0.0, "v1a,AAAA " + $0.1) : $0
        }
        #expect(verifySignature(secret: secret, headers: headers, body: body, now: timestamp).isValid)
    }

    @Test("Unusable secrets are reported, not treated as mismatches")
    func badSecret() throws {
        let secret = try SigningSecret.generate()
        #expect(
            verifySignature(
                secret: "not base64!", headers: signedHeaders(.standardWebhooks, secrets: [secret]), body: body,
                now: timestamp) == .invalid(reason: .badSecret))
        #expect(
            verifySignature(
                secret: "", headers: signedHeaders(.hookline, secrets: [secret]), body: body, now: timestamp)
                == .invalid(reason: .badSecret))
    }

    @Test("The Standard Webhooks spec vector verifies")
    func specVector() {
        let headers = [
            ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
            ("webhook-timestamp", "1614265330"),
            ("webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="),
        ]
        let verifier = SignatureVerifier()
        #expect(
            verifier.verify(
                secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", headers: headers,
                body: Array(#"{"test": 2432232314}"#.utf8), now: 1_614_265_330) == .valid(scheme: .standardWebhooks))
    }

    @Test("Every failure has a message that does not leak the secret")
    func messages() {
        let failures: [VerificationFailure] = [
            .missingHeader(name: "X-Webhook-Signature"), .malformedHeader(name: "webhook-signature"),
            .timestampOutsideTolerance(secondsOff: 900), .timestampOutsideTolerance(secondsOff: -60),
            .signatureMismatch, .badSecret,
        ]
        for failure in failures {
            #expect(!failure.message.isEmpty)
        }
        #expect(VerificationFailure.timestampOutsideTolerance(secondsOff: 900).message.contains("900 s old"))
        #expect(VerificationFailure.timestampOutsideTolerance(secondsOff: -60).message.contains("60 s in the future"))
        #expect(VerificationFailure.signatureMismatch.message.contains("raw request body"))
    }
}
