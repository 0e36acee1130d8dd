import HooklineCore

/// One CGI request, decoded from the environment and exactly `CONTENT_LENGTH` bytes of stdin.
///
/// The environment and the body reader are injected so tests build requests directly.
public struct Request: Sendable {
    /// Bodies above this many bytes are refused with 413 before any byte is read.
    public static let maximumBodySize = 64 * 1024
    /// Below this path (the HTTP API) the body is kept as sent (JSON), up to ``maximumAPIBodySize``.
    public static let apiPrefix = "/api/"
    public static let maximumAPIBodySize = 1024 * 1024

    /// The body cap for a request to `pathInfo`: 1 MiB for the API, 64 KiB for the console's forms.
    public static func maximumBodySize(pathInfo: String) -> Int {
        pathInfo.hasPrefix(apiPrefix) ? maximumAPIBodySize : maximumBodySize
    }

    public let method: HTTPMethod
    /// The mount prefix (`/webhooks`); every link is built from it.
    public let scriptName: String
    /// The path below the mount, always starting with `/` (`/`, `/new`, `/12/edit`).
    public let pathInfo: String
    public let query: FormData
    public let form: FormData
    /// The body as sent, for requests below ``apiPrefix`` (forms are decoded into `form` instead).
    public let body: [UInt8]
    public let cookies: [String: String]
    /// The user the web server authenticated, if any.
    public let remoteUser: String?
    public let environment: [String: String]

    public init(
        method: HTTPMethod, scriptName: String = "", pathInfo: String = "/", query: FormData = FormData(),
        form: FormData = FormData(), body: [UInt8] = [], cookies: [String: String] = [:], remoteUser: String? = nil,
        environment: [String: String] = [:]
    ) {
        self.method = method
        self.scriptName = scriptName
        self.pathInfo = pathInfo
        self.query = query
        self.form = form
        self.body = body
        self.cookies = cookies
        self.remoteUser = remoteUser
        self.environment = environment
    }

    /// Decodes a request. `readBody(n)` must return at most `n` bytes (fewer on a short read).
    public init(environment env: [String: String], readBody: (Int) -> [UInt8]) throws(RequestError) {
        let method = HTTPMethod(env["REQUEST_METHOD"] ?? "GET")
        var pathInfo = env["PATH_INFO"] ?? ""
        if pathInfo.isEmpty { pathInfo = "/" }
        var scriptName = env["SCRIPT_NAME"] ?? ""
        while scriptName.hasSuffix("/") { scriptName.removeLast() }

        let query: FormData
        do { query = try FormData(urlEncoded: env["QUERY_STRING"] ?? "") } catch {
            throw .malformedQuery(error.description)
        }

        var form = FormData()
        let length = env["CONTENT_LENGTH"].flatMap { $0.isEmpty ? 0 : Int($0) }
        if let raw = env["CONTENT_LENGTH"], !raw.isEmpty, length == nil || length! < 0 {
            throw .badContentLength
        }
        var raw: [UInt8] = []
        if let length, length > 0 {
            let limit = Self.maximumBodySize(pathInfo: pathInfo)
            guard length <= limit else { throw .bodyTooLarge(length, limit: limit) }
            let body = readBody(length)
            guard body.count == length else { throw .truncatedBody }
            if pathInfo.hasPrefix(Self.apiPrefix) {
                raw = body
            } else {
                form = try Self.decodeForm(body, contentType: env["CONTENT_TYPE"])
            }
        }

        var cookies: [String: String] = [:]
        for part in (env["HTTP_COOKIE"] ?? "").split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let name = pair[0].trimmingWhitespace
            if cookies[name] == nil { cookies[name] = pair[1].trimmingWhitespace }
        }

        let user = env["REMOTE_USER"].flatMap { $0.isEmpty ? nil : $0 }
        self.init(
            method: method, scriptName: scriptName, pathInfo: pathInfo, query: query, form: form, body: raw,
            cookies: cookies, remoteUser: user, environment: env)
    }

    /// A urlencoded form body; any other media type is refused (415).
    static func decodeForm(_ body: [UInt8], contentType: String?) throws(RequestError) -> FormData {
        let type = (contentType ?? "").lowercased()
        let mediaType = type.split(separator: ";").first.map { $0.trimmingWhitespace } ?? ""
        guard mediaType == "application/x-www-form-urlencoded" else {
            throw .unsupportedMediaType(mediaType.isEmpty ? "none" : mediaType)
        }
        guard let text = String(validating: body, as: UTF8.self) else { throw .malformedBody("it is not valid UTF-8") }
        do { return try FormData(urlEncoded: text) } catch { throw .malformedBody(error.description) }
    }

    /// The `HTTP_*` variable for a header name (`Sec-Fetch-Site` → `HTTP_SEC_FETCH_SITE`).
    public func header(_ name: String) -> String? {
        let key = "HTTP_" + name.uppercased().replacingHyphens
        return environment[key]
    }

    /// True when the client reached the server over TLS.
    public var isHTTPS: Bool {
        let https = environment["HTTPS"]?.lowercased()
        return https == "on" || https == "1" || environment["REQUEST_SCHEME"] == "https"
    }

    /// `scheme://host[:port]` as the browser sees this server, for same-origin checks.
    public var origin: String? {
        guard let host = header("Host"), !host.isEmpty else { return nil }
        return (isHTTPS ? "https://" : "http://") + host.lowercased()
    }

    /// The path segments below the mount: `/12/edit` → `["12", "edit"]`.
    public var pathSegments: [Substring] {
        pathInfo.split(separator: "/", omittingEmptySubsequences: true)
    }
}

/// Why a request could not be decoded; each maps to a status and a message the user can act on.
public enum RequestError: Error, Sendable, Equatable {
    case malformedQuery(String)
    case malformedBody(String)
    case badContentLength
    case bodyTooLarge(Int, limit: Int)
    case truncatedBody
    case unsupportedMediaType(String)

    public var status: HTTPStatus {
        switch self {
        case .bodyTooLarge: .payloadTooLarge
        case .unsupportedMediaType: .unsupportedMediaType
        default: .badRequest
        }
    }

    public var message: String {
        switch self {
        case .malformedQuery(let why): "The address could not be read: \(why)."
        case .malformedBody(let why): "The submitted form could not be read: \(why)."
        case .badContentLength: "The request's Content-Length is not a number."
        case .bodyTooLarge(let size, let limit):
            limit >= 1024 * 1024
                ? "The request body is \(size) bytes; Hookline accepts at most \(limit / 1024 / 1024) MiB."
                : "The submitted form is \(size) bytes; Hookline accepts at most \(limit / 1024) KiB."
        case .truncatedBody: "The submitted form ended before its declared length."
        case .unsupportedMediaType(let type):
            "Forms must be sent as application/x-www-form-urlencoded, not \(type)."
        }
    }
}

extension StringProtocol {
    var replacingHyphens: String {
        String(map { $0 == "-" ? "_" : $0 })
    }
}
