import HooklineCore
import Testing

@Suite("Target URL rules (DESIGN §1)")
struct TargetURLTests {
    @Test(
        arguments: [
            ("https://example.com/hooks", "https", "example.com", nil),
            ("HTTPS://Example.com:8443/a?b=c", "https", "Example.com", 8443),
            ("https://[2001:db8::1]:443/x", "https", "2001:db8::1", 443),
            ("https://192.0.2.10/in", "https", "192.0.2.10", nil),
            ("https://hooks.example.com", "https", "hooks.example.com", nil),
        ] as [(String, String, String, Int?)])
    func acceptsAbsoluteHTTPSURLs(_ url: String, _ scheme: String, _ host: String, _ port: Int?) throws {
        let parsed = try TargetURL.parse(url, allowHTTP: false).get()
        #expect(parsed == TargetURL(scheme: scheme, host: host, port: port))
        #expect(TargetURL.problem(with: url, allowHTTP: false) == nil)
    }

    @Test(
        arguments: [
            ("", TargetURL.Problem.empty),
            ("https://example.com/" + String(repeating: "a", count: 2048), .tooLong(2068)),
            ("https://exa mple.com/", .badCharacters),
            ("https://example.com/\r\nX: y", .badCharacters),
            ("https://bücher.example/", .badCharacters),
            ("example.com/hooks", .notAbsolute),
            ("//example.com/x", .notAbsolute),
            ("https:example.com", .notAbsolute),
            ("http://example.com/", .unsupportedScheme("http")),
            ("ftp://example.com/", .unsupportedScheme("ftp")),
            ("file:///etc/passwd", .unsupportedScheme("file")),
            ("https://example.com/#frag", .fragment),
            ("https://user:pw@example.com/", .credentials),
            ("https:///path", .badHost("The URL has no host name.")),
            ("https://", .badHost("The URL has no host name.")),
            ("https://-bad.example/", .badHost("“-bad.example” is not a valid host name.")),
            ("https://a..b/", .badHost("“a..b” is not a valid host name.")),
            ("https://[::1/", .badHost("The IPv6 address in the URL is missing its closing ].")),
            ("https://[1.2.3.4]/", .badHost("The IPv6 address in the URL is not valid.")),
            ("https://example.com:0/", .badPort),
            ("https://example.com:65536/", .badPort),
            ("https://example.com:+443/", .badPort),
        ] as [(String, TargetURL.Problem)])
    func refusesWithAReason(_ url: String, _ problem: TargetURL.Problem) {
        #expect(TargetURL.parse(url, allowHTTP: false) == .failure(problem))
        #expect(TargetURL.problem(with: url, allowHTTP: false) == problem.message)
    }

    @Test func httpOnlyWhereAllowed() throws {
        #expect(try TargetURL.parse("http://127.0.0.1:8080/in", allowHTTP: true).get().port == 8080)
        let refusal = try #require(TargetURL.problem(with: "http://127.0.0.1:8080/in", allowHTTP: false))
        #expect(refusal.contains("allow_http"))
        #expect(TargetURL.parse("gopher://example.com/", allowHTTP: true) == .failure(.unsupportedScheme("gopher")))
    }
}

@Suite struct TrimmingTests {
    @Test func trimsUnicodeWhitespaceAtBothEndsOnly() {
        #expect("  a b \t\r\n".trimmingWhitespace == "a b")
        #expect("\u{00A0}name\u{2003}".trimmingWhitespace == "name")
        #expect(" \n ".trimmingWhitespace == "")
        #expect("x".trimmingWhitespace == "x")
        #expect("  mid  dle ".dropFirst().trimmingWhitespace == "mid  dle")
    }
}
