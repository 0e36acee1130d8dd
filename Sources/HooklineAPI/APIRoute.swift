import HooklineCGI
import HooklineStore

/// One endpoint of the API, listed once in ``API/routes``: method, path, the token scope it
/// needs (nil: public) and the handler. The dispatcher checks method, token and scope.
struct APIRoute: Sendable {
    let method: HTTPMethod
    /// Below `<mount>/api/v1`; `{id}` and `{n}` are positive integers.
    let pattern: [String]
    /// True where a POST sends webhooks: served by `hookline-send`, which gives it an ``APISender``.
    let sends: Bool
    let handler: Handler

    enum Handler: Sendable {
        /// Needs no token, config or database (the OpenAPI document).
        case open(@Sendable (Request) -> Response)
        /// Needs a token whose scope covers `scope`.
        case token(TokenScope, @Sendable (APIContext, [Int]) throws -> Response)
    }

    init(
        _ method: HTTPMethod, _ path: String, _ scope: TokenScope, sends: Bool = false,
        _ handler: @escaping @Sendable (APIContext, [Int]) throws -> Response
    ) {
        self.method = method
        self.pattern = path.split(separator: "/").map(String.init)
        self.sends = sends
        self.handler = .token(scope, handler)
    }

    init(_ method: HTTPMethod, _ path: String, open handler: @escaping @Sendable (Request) -> Response) {
        self.method = method
        self.pattern = path.split(separator: "/").map(String.init)
        self.sends = false
        self.handler = .open(handler)
    }

    /// The integer parameters when `segments` match the pattern.
    func match(_ segments: [Substring]) -> [Int]? {
        guard segments.count == pattern.count else { return nil }
        var values: [Int] = []
        for (expected, actual) in zip(pattern, segments) {
            if expected.hasPrefix("{") {
                guard let value = Int(actual), value > 0, String(value) == actual else { return nil }
                values.append(value)
            } else if expected != actual {
                return nil
            }
        }
        return values
    }
}

/// What one authenticated API request works with.
final class APIContext {
    let request: Request
    let config: Configuration
    let store: Store
    let token: APIToken
    let now: Int
    private let sender: (any APISender)?

    init(request: Request, config: Configuration, store: Store, token: APIToken, now: Int, sender: (any APISender)? = nil) {
        self.request = request
        self.config = config
        self.store = store
        self.token = token
        self.now = now
        self.sender = sender
    }

    /// What sends webhooks for this request: given only to routes that send, in `hookline-send`
    /// (the console hands them over before reading the body); anywhere else a wiring fault.
    func webhookSender() throws -> any APISender {
        guard let sender else {
            throw Problem.internalError("this endpoint sends webhooks, which only hookline-send can do; the hand-off did not happen")
        }
        return sender
    }

    /// `<mount>/api/v1`
    var base: String { request.scriptName + API.prefix }
}

/// JSON responses: `Cache-Control: no-store` on every one.
extension Response {
    static func json(_ value: JSONValue, status: HTTPStatus = .ok) -> Response {
        Response(
            status: status, headers: [("Content-Type", "application/json"), ("Cache-Control", "no-store")],
            body: Array((value.serialized() + "\n").utf8))
    }

    static var noContent: Response {
        Response(status: HTTPStatus(204, "No Content"), headers: [("Cache-Control", "no-store")])
    }
}
