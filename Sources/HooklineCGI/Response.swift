/// An HTTP status with its reason phrase, as written in the CGI `Status:` header.
public struct HTTPStatus: Sendable, Equatable {
    public let code: Int
    public let reason: String

    public init(_ code: Int, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public static let ok = HTTPStatus(200, "OK")
    public static let seeOther = HTTPStatus(303, "See Other")
    public static let badRequest = HTTPStatus(400, "Bad Request")
    public static let forbidden = HTTPStatus(403, "Forbidden")
    public static let notFound = HTTPStatus(404, "Not Found")
    public static let methodNotAllowed = HTTPStatus(405, "Method Not Allowed")
    public static let conflict = HTTPStatus(409, "Conflict")
    public static let gone = HTTPStatus(410, "Gone")
    public static let payloadTooLarge = HTTPStatus(413, "Content Too Large")
    public static let unsupportedMediaType = HTTPStatus(415, "Unsupported Media Type")
    public static let unprocessable = HTTPStatus(422, "Unprocessable Content")
    public static let internalError = HTTPStatus(500, "Internal Server Error")
    public static let serviceUnavailable = HTTPStatus(503, "Service Unavailable")
}

/// A complete response, serialized and written once.
public struct Response: Sendable {
    /// Sent on every response: no inline script, no framing, no sniffing, no referrer.
    public static let securityHeaders: [(String, String)] = [
        (
            "Content-Security-Policy",
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                + "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
        ),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("X-Frame-Options", "DENY"),
    ]

    public var status: HTTPStatus
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: HTTPStatus = .ok, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// An HTML page. Pages are never cached: they show live data and sometimes a one-time secret.
    public static func html(_ html: String, status: HTTPStatus = .ok) -> Response {
        Response(
            status: status,
            headers: [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")],
            body: Array(html.utf8))
    }

    /// An HTML page from UTF-8 bytes (a rendered template), with the headers of ``html(_:status:)``.
    public static func html(bytes: [UInt8], status: HTTPStatus = .ok) -> Response {
        Response(
            status: status,
            headers: [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")],
            body: bytes)
    }

    /// A `303 See Other` to `location` (post-redirect-get). `Status:` is always sent with
    /// `Location:` so Apache does not turn it into an internal redirect.
    public static func redirect(to location: String) -> Response {
        Response(
            status: .seeOther,
            headers: [("Location", location), ("Cache-Control", "no-store"), ("Content-Type", "text/plain; charset=utf-8")],
            body: Array("See \(location)\n".utf8))
    }

    public mutating func setHeader(_ name: String, _ value: String) {
        headers.removeAll { $0.name.lowercased() == name.lowercased() }
        headers.append((name, value))
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Adds a cookie that scripts cannot read and other sites cannot send.
    public mutating func setCookie(name: String, value: String, path: String, secure: Bool, maxAge: Int? = nil) {
        var cookie = "\(name)=\(value); Path=\(path.isEmpty ? "/" : path); HttpOnly; SameSite=Strict"
        if let maxAge { cookie += "; Max-Age=\(maxAge)" }
        if secure { cookie += "; Secure" }
        headers.append(("Set-Cookie", cookie))
    }

    /// The CGI output: `Status:`, headers, the security headers, a blank line, the body.
    /// `includeBody` is false for HEAD requests.
    public func serialized(includeBody: Bool = true) -> [UInt8] {
        includeBody ? head + body : head
    }

    /// The status line and headers, ending with the blank line: what precedes ``body``.
    public var head: [UInt8] {
        var head = "Status: \(status.code) \(status.reason)\r\n"
        for (name, value) in headers {
            head += "\(name): \(Self.headerValue(value))\r\n"
        }
        for (name, value) in Self.securityHeaders where header(name) == nil {
            head += "\(name): \(value)\r\n"
        }
        head += "Content-Length: \(body.count)\r\n\r\n"
        return Array(head.utf8)
    }

    /// A header value with line breaks removed, so no input can split a header.
    static func headerValue(_ value: String) -> String {
        String(value.unicodeScalars.filter { $0 != "\r" && $0 != "\n" }.map(Character.init))
    }
}
