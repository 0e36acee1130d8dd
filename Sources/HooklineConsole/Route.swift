import HooklineCGI
import HooklineStore

/// One page or action of the console, listed once in ``Console/routes`` with what it needs.
///
/// The dispatcher checks the flags generically before the page runs — the method (405), the
/// sign-in, the CSRF token of every POST, the subscription named by `:id` (404) and whether a
/// POST sends webhooks (handed to `hookline-send`) — so no page repeats those checks.
public struct Route: Sendable {
    /// What runs once the checks passed.
    public enum Handler: Sendable {
        /// A page about no particular subscription (inventory, create, audit).
        case page(@Sendable (PageContext) throws -> Response)
        /// A page below `/<id>`: receives the subscription, loaded once by the dispatcher.
        case subscription(@Sendable (PageContext, Subscription, RouteParameters) throws -> Response)
    }

    /// A path pattern below the mount: literal segments, `:id` (a subscription) and `:attempt`.
    public let pattern: [String]
    public let methods: [HTTPMethod]
    /// True where a POST sends HTTP requests to a receiver. Only `hookline-send` links libcurl,
    /// so `hookline-console` hands such a request to it before reading the body.
    public let sends: Bool
    public let handler: Handler

    public init(_ path: String, _ methods: [HTTPMethod], sends: Bool = false, _ handler: Handler) {
        self.pattern = path.split(separator: "/").map(String.init)
        self.methods = methods
        self.sends = sends
        self.handler = handler
    }

    /// The parameters when `segments` match this route's pattern.
    func match(_ segments: [Substring]) -> RouteParameters? {
        guard segments.count == pattern.count else { return nil }
        var parameters = RouteParameters()
        for (expected, actual) in zip(pattern, segments) {
            if expected.hasPrefix(":") {
                // Ids are plain positive decimal numbers: no signs, no leading zeros, no overflow.
                guard let value = Int(actual), value > 0, String(value) == actual else { return nil }
                parameters.values[String(expected.dropFirst())] = value
            } else if expected != actual {
                return nil
            }
        }
        return parameters
    }

    /// True when a request with `method` to this route must run in a process that can send.
    func needsSender(_ method: HTTPMethod) -> Bool {
        sends && method == .post
    }
}

/// Numeric path parameters (`:id`, `:attempt`).
public struct RouteParameters: Sendable {
    var values: [String: Int] = [:]
    public var id: Int { values["id"] ?? 0 }
    public subscript(name: String) -> Int? { values[name] }
}

/// How a path and method resolve against a route table.
enum RouteMatch {
    case found(Route, RouteParameters)
    /// The path exists, but not for this method; carries the methods it allows.
    case methodNotAllowed(Set<HTTPMethod>)
    case notFound

    init(_ routes: [Route], method: HTTPMethod, segments: [Substring]) {
        let matches = routes.compactMap { route in route.match(segments).map { (route, $0) } }
        guard !matches.isEmpty else {
            self = .notFound
            return
        }
        if let (route, parameters) = matches.first(where: { $0.0.methods.contains(method.servedAs) }) {
            self = .found(route, parameters)
            return
        }
        var allowed = Set(matches.flatMap { $0.0.methods })
        if allowed.contains(.get) { allowed.insert(.head) }
        self = .methodNotAllowed(allowed)
    }
}
