import HooklineCGI
import Testing

/// The CGI output split into header lines and body, as the web server reads it.
struct CGIOutput {
    let lines: [String]
    let body: [UInt8]

    init(_ bytes: [UInt8]) {
        let separator = Array("\r\n\r\n".utf8)
        var split = bytes.count
        for index in 0...(bytes.count - separator.count) where Array(bytes[index..<index + separator.count]) == separator {
            split = index
            break
        }
        let head = String(decoding: bytes[..<split], as: UTF8.self)
        // Any CR or LF ends a line for some web server, so each counts as a break here.
        lines = head.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\r\n" || $0 == "\n" || $0 == "\r" }).map(String.init)
        body = split + 4 <= bytes.count ? Array(bytes[(split + 4)...]) : []
    }

    func values(_ name: String) -> [String] {
        lines.compactMap { line in
            guard let colon = line.firstIndex(of: ":"), line[..<colon].lowercased() == name.lowercased() else { return nil }
            return String(line[line.index(after: colon)...].drop { $0 == " " })
        }
    }
}

@Suite struct ResponseTests {
    @Test func statusLineComesFirst() {
        let output = CGIOutput(Response.html("<p>hi</p>", status: .unprocessable).serialized())
        #expect(output.lines.first == "Status: 422 Unprocessable Content")
        #expect(String(decoding: output.body, as: UTF8.self) == "<p>hi</p>")
    }

    @Test func securityHeadersAreSentExactlyOnce() {
        var response = Response.html("<p>x</p>")
        // A page that sets one of them itself must not end up with two.
        response.setHeader("Referrer-Policy", "no-referrer")
        for output in [
            CGIOutput(response.serialized()), CGIOutput(Response.redirect(to: "/x").serialized()), CGIOutput(Response().serialized()),
        ] {
            let csp = output.values("Content-Security-Policy")
            #expect(csp.count == 1)
            #expect(csp.first?.contains("script-src 'self'") == true)
            #expect(csp.first?.contains("frame-ancestors 'none'") == true)
            #expect(csp.first?.contains("unsafe-inline") == false)
            #expect(output.values("X-Content-Type-Options") == ["nosniff"])
            #expect(output.values("Referrer-Policy") == ["no-referrer"])
            #expect(output.values("Content-Length").count == 1)
        }
    }

    @Test func htmlPagesAreNotCachedAndDeclareUTF8() {
        let output = CGIOutput(Response.html("é").serialized())
        #expect(output.values("Content-Type") == ["text/html; charset=utf-8"])
        #expect(output.values("Cache-Control") == ["no-store"])
        #expect(output.values("Content-Length") == ["2"])
    }

    @Test func headerValuesCannotBeSplit() {
        var response = Response.redirect(to: "/webhooks/?deleted=x\r\nSet-Cookie: evil=1\nX-Injected: yes\rZ: 1")
        response.setHeader("X-Name", "a\r\n\r\n<script>alert(1)</script>")
        let output = CGIOutput(response.serialized())
        #expect(output.values("Set-Cookie").isEmpty)
        #expect(output.values("X-Injected").isEmpty)
        #expect(output.values("Z").isEmpty)
        #expect(output.values("Location") == ["/webhooks/?deleted=xSet-Cookie: evil=1X-Injected: yesZ: 1"])
        #expect(output.values("X-Name") == ["a<script>alert(1)</script>"])
        #expect(String(decoding: output.body, as: UTF8.self).hasPrefix("See "))
    }

    @Test func redirectIsA303WithLocation() {
        let response = Response.redirect(to: "/webhooks/12?created=1")
        let output = CGIOutput(response.serialized())
        #expect(output.lines.first == "Status: 303 See Other")
        #expect(output.values("Location") == ["/webhooks/12?created=1"])
        #expect(output.values("Cache-Control") == ["no-store"])
    }

    @Test func headOmitsTheBodyButKeepsItsLength() {
        let response = Response.html("<p>twelve ch</p>")
        let bytes = response.serialized(includeBody: false)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasSuffix("\r\n\r\n"))
        #expect(!text.contains("twelve"))
        #expect(CGIOutput(bytes).values("Content-Length") == [String(response.body.count)])
    }

    @Test func setHeaderReplacesCaseInsensitively() {
        var response = Response.html("x")
        response.setHeader("cache-control", "private")
        #expect(CGIOutput(response.serialized()).values("Cache-Control") == ["private"])
        #expect(response.header("CACHE-CONTROL") == "private")
    }

    @Test func cookieIsHttpOnlyAndSameSiteWithoutSecureOverHTTP() {
        var response = Response.html("x")
        response.setCookie(name: "hookline_csrf", value: "abc", path: "/webhooks/", secure: false)
        let cookie = try! #require(CGIOutput(response.serialized()).values("Set-Cookie").first)
        #expect(cookie.hasPrefix("hookline_csrf=abc; Path=/webhooks/"))
        #expect(cookie.contains("; HttpOnly"))
        #expect(cookie.contains("; SameSite="))
        #expect(!cookie.contains("Secure"))
        #expect(!cookie.contains("Max-Age"))
    }

    @Test func cookieIsSecureWhenAsked() {
        var response = Response.html("x")
        response.setCookie(name: "hookline_csrf", value: "abc", path: "", secure: true, maxAge: 600)
        let cookie = try! #require(CGIOutput(response.serialized()).values("Set-Cookie").first)
        #expect(cookie.contains("Path=/;"))
        #expect(cookie.contains("; HttpOnly"))
        #expect(cookie.contains("; Secure"))
        #expect(cookie.contains("; Max-Age=600"))
    }
}
