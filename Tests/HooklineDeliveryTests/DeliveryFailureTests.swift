import HooklineDelivery
import Testing

@Suite("DeliveryFailure kinds and wording")
struct DeliveryFailureTests {
    @Test func kindsAreStableDatabaseKeys() {
        #expect(DeliveryFailure.invalidURL("x").kind == .invalidURL)
        #expect(DeliveryFailure.unsupportedScheme("ftp").kind == .invalidURL)
        #expect(DeliveryFailure.dns(host: "a.example").kind == .dns)
        #expect(DeliveryFailure.connect("x").kind == .connect)
        #expect(DeliveryFailure.tls("x").kind == .tls)
        #expect(DeliveryFailure.timeout(seconds: 15).kind == .timeout)
        #expect(DeliveryFailure.blockedAddress("x").kind == .blockedAddress)
        #expect(DeliveryFailure.redirect(status: 301, location: nil).kind == .redirect)
        #expect(DeliveryFailure.httpStatus(500).kind == .httpStatus)
        #expect(DeliveryFailure.other("x").kind == .other)
    }

    @Test func messagesReadAsSentences() {
        #expect(DeliveryFailure.timeout(seconds: 15).message == "Timed out after 15 s")
        #expect(DeliveryFailure.timeout(seconds: 1.5).message == "Timed out after 1.5 s")
        #expect(DeliveryFailure.httpStatus(500).message == "The receiver answered HTTP 500")
        #expect(
            DeliveryFailure.connect("Connection refused by 203.0.113.5:443").message
                == "Connection refused by 203.0.113.5:443")
        #expect(
            DeliveryFailure.dns(host: "nonexistent.invalid").message
                == "DNS lookup failed: could not resolve host nonexistent.invalid")
        #expect(
            DeliveryFailure.blockedAddress("10.0.0.1 is a private (RFC 1918) address").message
                == "Blocked: 10.0.0.1 is a private (RFC 1918) address. Hookline does not deliver to non-public addresses unless the config allow-lists them (allowed_private_targets)."
        )
        #expect(
            DeliveryFailure.redirect(status: 301, location: "https://example.com/new").message
                == "The receiver answered 301 (redirect to https://example.com/new). Hookline does not follow redirects; update the target URL."
        )
        #expect(DeliveryFailure.tls("certificate verify failed").message == "TLS error: certificate verify failed")
        #expect(DeliveryFailure.unsupportedScheme("ftp").message.contains("\"ftp\""))
        #expect(DeliveryFailure.unsupportedScheme("http").message.contains("allow_http"))
    }

    @Test func outcomeSucceedsOnlyWithoutFailure() {
        #expect(DeliveryOutcome(statusCode: 200).succeeded)
        #expect(!DeliveryOutcome(statusCode: 500, failure: .httpStatus(500)).succeeded)
    }
}
