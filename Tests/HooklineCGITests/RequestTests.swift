import HooklineCGI
import Testing

/// A body reader that records how many bytes it was asked for.
final class RecordingReader {
    var requests: [Int] = []
    let bytes: [UInt8]

    init(_ text: String) { bytes = Array(text.utf8) }
    init(bytes: [UInt8]) { self.bytes = bytes }

    func read(_ count: Int) -> [UInt8] {
        requests.append(count)
        return Array(bytes.prefix(count))
    }
}

func formPost(_ body: String, extra: [String: String] = [:]) -> [String: String] {
    var env = [
        "REQUEST_METHOD": "POST", "SCRIPT_NAME": "/webhooks", "PATH_INFO": "/new",
        "CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": String(body.utf8.count),
    ]
    for (key, value) in extra { env[key] = value }
    return env
}

@Suite struct RequestTests {
    @Test func readsExactlyContentLengthBytes() throws {
        // The stream holds more than declared: a trailing byte must never be asked for.
        let body = "name=CRM+sync&events=a.b&events=c.d"
        let reader = RecordingReader(body + "&extra=garbage")
        let request = try Request(environment: formPost(body), readBody: reader.read)
        #expect(reader.requests == [body.utf8.count])
        #expect(request.form["name"] == "CRM sync")
        #expect(request.form.all("events") == ["a.b", "c.d"])
        #expect(request.form["extra"] == nil)
    }

    @Test func noBodyIsReadWithoutContentLength() throws {
        let reader = RecordingReader("name=x")
        for length in [nil, "", "0"] as [String?] {
            var env = ["REQUEST_METHOD": "POST", "CONTENT_TYPE": "application/x-www-form-urlencoded"]
            env["CONTENT_LENGTH"] = length
            let request = try Request(environment: env, readBody: reader.read)
            #expect(request.form.pairs.isEmpty)
        }
        #expect(reader.requests.isEmpty)
    }

    @Test func bodyAboveCapIsRefusedWithoutReading() {
        let reader = RecordingReader("x")
        let env = formPost("", extra: ["CONTENT_LENGTH": String(64 * 1024 + 1)])
        let error = #expect(throws: RequestError.self) { try Request(environment: env, readBody: reader.read) }
        #expect(error == .bodyTooLarge(64 * 1024 + 1, limit: 64 * 1024))
        #expect(error?.status.code == 413)
        #expect(error?.message.contains("64 KiB") == true)
        #expect(reader.requests.isEmpty)
    }

    @Test func bodyOfExactlyTheCapIsAccepted() throws {
        let body = "a=" + String(repeating: "x", count: 64 * 1024 - 2)
        let reader = RecordingReader(body)
        let request = try Request(environment: formPost(body), readBody: reader.read)
        #expect(reader.requests == [64 * 1024])
        #expect(request.form["a"]?.count == 64 * 1024 - 2)
    }

    @Test(arguments: ["abc", "-1", "12abc", " 5", "1e3", "99999999999999999999999"])
    func badContentLengthIsA400(_ value: String) {
        let reader = RecordingReader("a=1")
        let env = formPost("a=1", extra: ["CONTENT_LENGTH": value])
        let error = #expect(throws: RequestError.self) { try Request(environment: env, readBody: reader.read) }
        #expect(error == .badContentLength)
        #expect(error?.status.code == 400)
        #expect(reader.requests.isEmpty)
    }

    @Test(arguments: ["application/json", "text/plain", "multipart/form-data; boundary=x"])
    func wrongContentTypeIs415(_ type: String) {
        let env = formPost("{\"a\":1}", extra: ["CONTENT_TYPE": type])
        let error = #expect(throws: RequestError.self) { try Request(environment: env, readBody: RecordingReader("{\"a\":1}").read) }
        #expect(error?.status.code == 415)
        #expect(error?.message.contains("application/x-www-form-urlencoded") == true)
    }

    @Test func missingContentTypeWithBodyIs415() {
        var env = formPost("a=1")
        env["CONTENT_TYPE"] = nil
        let error = #expect(throws: RequestError.self) { try Request(environment: env, readBody: RecordingReader("a=1").read) }
        #expect(error == .unsupportedMediaType("none"))
        #expect(error?.status.code == 415)
    }

    @Test func contentTypeParametersAndCaseAreAccepted() throws {
        let env = formPost("a=1", extra: ["CONTENT_TYPE": "Application/X-WWW-Form-Urlencoded ; charset=UTF-8"])
        let request = try Request(environment: env, readBody: RecordingReader("a=1").read)
        #expect(request.form["a"] == "1")
    }

    @Test func truncatedBodyIs400() {
        let env = formPost("", extra: ["CONTENT_LENGTH": "100"])
        let reader = RecordingReader("name=short")
        let error = #expect(throws: RequestError.self) { try Request(environment: env, readBody: reader.read) }
        #expect(error == .truncatedBody)
        #expect(error?.status.code == 400)
        #expect(reader.requests == [100])
    }

    @Test func malformedBodyAndQueryAre400() {
        let badBody = #expect(throws: RequestError.self) {
            try Request(environment: formPost("a=%zz"), readBody: RecordingReader("a=%zz").read)
        }
        #expect(badBody?.status.code == 400)
        #expect(badBody?.message.contains("%-escape") == true)

        let raw: [UInt8] = [0x61, 0x3D, 0xFF]
        var env = formPost("")
        env["CONTENT_LENGTH"] = "3"
        let badUTF8 = #expect(throws: RequestError.self) { try Request(environment: env, readBody: RecordingReader(bytes: raw).read) }
        #expect(badUTF8 == .malformedBody("it is not valid UTF-8"))

        let badQuery = #expect(throws: RequestError.self) {
            try Request(environment: ["QUERY_STRING": "q=%E2%28"], readBody: RecordingReader("").read)
        }
        #expect(badQuery?.status.code == 400)
        #expect(badQuery?.message.contains("address") == true)
    }

    @Test func queryIsDecodedOnGet() throws {
        let env = ["REQUEST_METHOD": "get", "QUERY_STRING": "q=crm+sync&status=active"]
        let request = try Request(environment: env, readBody: RecordingReader("").read)
        #expect(request.method == .get)
        #expect(request.query["q"] == "crm sync")
        #expect(request.query["status"] == "active")
    }

    @Test func cookiesAreParsed() throws {
        let env = ["HTTP_COOKIE": "theme=dark; hookline_csrf=abc=def ;  empty=; broken; theme=light"]
        let request = try Request(environment: env, readBody: RecordingReader("").read)
        #expect(request.cookies["theme"] == "dark")
        #expect(request.cookies["hookline_csrf"] == "abc=def")
        #expect(request.cookies["broken"] == nil)
    }

    @Test func pathInfoDefaultsToSlash() throws {
        let missing = try Request(environment: ["SCRIPT_NAME": "/webhooks"], readBody: RecordingReader("").read)
        #expect(missing.pathInfo == "/")
        #expect(missing.pathSegments.isEmpty)
        let empty = try Request(environment: ["PATH_INFO": ""], readBody: RecordingReader("").read)
        #expect(empty.pathInfo == "/")
        let deep = try Request(environment: ["PATH_INFO": "/12//edit/"], readBody: RecordingReader("").read)
        #expect(deep.pathSegments == ["12", "edit"])
    }

    @Test func scriptNameLosesTrailingSlashes() throws {
        let request = try Request(environment: ["SCRIPT_NAME": "/webhooks//"], readBody: RecordingReader("").read)
        #expect(request.scriptName == "/webhooks")
        let root = try Request(environment: ["SCRIPT_NAME": "/"], readBody: RecordingReader("").read)
        #expect(root.scriptName == "")
    }

    @Test func headerLooksUpTheCGIVariable() throws {
        let env = ["HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "https://console.example"]
        let request = try Request(environment: env, readBody: RecordingReader("").read)
        #expect(request.header("Sec-Fetch-Site") == "same-origin")
        #expect(request.header("sec-fetch-site") == "same-origin")
        #expect(request.header("Origin") == "https://console.example")
        #expect(request.header("Referer") == nil)
    }

    @Test func originFollowsSchemeAndHost() throws {
        func origin(_ env: [String: String]) throws -> String? {
            try Request(environment: env, readBody: RecordingReader("").read).origin
        }
        #expect(try origin(["HTTP_HOST": "Console.Example:8443", "HTTPS": "on"]) == "https://console.example:8443")
        #expect(try origin(["HTTP_HOST": "console.example", "HTTPS": "1"]) == "https://console.example")
        #expect(try origin(["HTTP_HOST": "console.example", "REQUEST_SCHEME": "https"]) == "https://console.example")
        #expect(try origin(["HTTP_HOST": "127.0.0.1:8080"]) == "http://127.0.0.1:8080")
        #expect(try origin(["HTTP_HOST": "127.0.0.1:8080", "HTTPS": "off"]) == "http://127.0.0.1:8080")
        #expect(try origin([:]) == nil)
        #expect(try origin(["HTTP_HOST": ""]) == nil)
    }

    @Test func remoteUserIsNilWhenEmpty() throws {
        #expect(try Request(environment: ["REMOTE_USER": "alice"], readBody: RecordingReader("").read).remoteUser == "alice")
        #expect(try Request(environment: ["REMOTE_USER": ""], readBody: RecordingReader("").read).remoteUser == nil)
        #expect(try Request(environment: [:], readBody: RecordingReader("").read).remoteUser == nil)
    }
}
