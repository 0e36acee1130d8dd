import HooklineCGI
import HooklineStore

/// The HTTP API below `<mount>/api/v1/` (DESIGN §8): JSON in and out, Bearer tokens only,
/// errors as problem documents. The console hands it every request below `/api/`.
public enum API {
    public static let prefix = "/api/v1"

    /// Every endpoint once: method, path, the scope it needs.
    static let routes: [APIRoute] = [
        APIRoute(.get, "openapi.json", open: OpenAPIDocument.serve),
        APIRoute(.post, "events", .ingest, EventsEndpoint.ingest),
        APIRoute(.get, "event-types", .ingest, CatalogEndpoint.eventTypes),
        APIRoute(.get, "agents", .ingest, CatalogEndpoint.agents),
        APIRoute(.get, "subscriptions", .admin, SubscriptionsEndpoint.list),
        APIRoute(.post, "subscriptions", .admin, SubscriptionsEndpoint.create),
        APIRoute(.get, "subscriptions/{id}", .admin, SubscriptionsEndpoint.read),
        APIRoute(.patch, "subscriptions/{id}", .admin, SubscriptionsEndpoint.update),
        APIRoute(.delete, "subscriptions/{id}", .admin, SubscriptionsEndpoint.delete),
        APIRoute(.post, "subscriptions/{id}/secret", .admin, SubscriptionsEndpoint.rotateSecret),
        APIRoute(.delete, "subscriptions/{id}/secret", .admin, SubscriptionsEndpoint.removeSecret),
        APIRoute(.get, "subscriptions/{id}/deliveries", .admin, SubscriptionsEndpoint.deliveries),
        APIRoute(.post, "subscriptions/{id}/test", .admin, sends: true, SendingEndpoint.test),
        APIRoute(.post, "subscriptions/{id}/deliveries/{n}/resend", .admin, sends: true, SendingEndpoint.resend),
        APIRoute(.post, "subscriptions/{id}/recover", .admin, OperationsEndpoint.recover),
        APIRoute(.get, "metrics", .metrics, OperationsEndpoint.metrics),
    ]

    /// True for a request the API answers (anything below `/api/`, so even a wrong version
    /// gets a problem document rather than a console page).
    public static func handles(pathInfo: String) -> Bool {
        pathInfo == "/api" || pathInfo.hasPrefix(Request.apiPrefix)
    }

    /// True when `method` on `pathInfo` is an endpoint that sends webhooks (test send, resend):
    /// `hookline-console` hands such a request to `hookline-send` before reading its body, as it
    /// does for the console's sending routes.
    public static func sends(method: HTTPMethod, pathInfo: String) -> Bool {
        guard let (route, _) = match(pathInfo).first(where: { $0.0.method == method.servedAs }) else { return false }
        return route.sends && method == .post
    }

    /// The answer when the hand-off to the sending program failed (`failure` goes to the error log).
    public static func handOffFailed(_ failure: String) -> Response {
        var response = Problem.internalError("this endpoint sends webhooks and \(failure)").response
        response.setHeader("Cache-Control", "no-store")
        return response
    }

    /// The routes whose pattern matches `pathInfo`, with their parameters.
    static func match(_ pathInfo: String) -> [(APIRoute, [Int])] {
        guard pathInfo.hasPrefix(prefix + "/") else { return [] }
        let path = Array(pathInfo.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false).dropFirst())
        return routes.compactMap { route in route.match(path).map { (route, $0) } }
    }

    /// The answer to a request that could not be decoded (body too large, bad query …).
    public static func undecodable(status: HTTPStatus, message: String) -> Response {
        let kind = status == .payloadTooLarge ? "too-large" : status == .unsupportedMediaType ? "unsupported-media-type" : "bad-request"
        return Problem(status, kind, status.reason, message).response
    }

    /// Answers one API request. Tests call this directly with a built `Request`. `sender` (in
    /// `hookline-send`) is given to the endpoints that send.
    public static func respond(to request: Request, sender: (any APISender)? = nil) -> Response {
        var response: Response
        do {
            response = try dispatch(request, sender: sender)
        } catch let problem as Problem {
            response = problem.response
        } catch {
            response = Problem.internalError("\(error)").response
        }
        if response.header("Cache-Control") == nil { response.setHeader("Cache-Control", "no-store") }
        return response
    }

    static func dispatch(_ request: Request, sender: (any APISender)?) throws -> Response {
        guard request.pathInfo.hasPrefix(prefix + "/") else {
            throw Problem.notFound("The API lives at \(request.scriptName)\(prefix)/; see \(request.scriptName)\(prefix)/openapi.json.")
        }
        let matches = match(request.pathInfo)
        guard !matches.isEmpty else {
            throw Problem.notFound("There is no endpoint at \(request.pathInfo); see \(request.scriptName)\(prefix)/openapi.json.")
        }
        let method = request.method.servedAs
        guard let (route, parameters) = matches.first(where: { $0.0.method == method }) else {
            var allowed = Set(matches.map(\.0.method.name))
            if allowed.contains("GET") { allowed.insert("HEAD") }
            let names = allowed.sorted().joined(separator: ", ")
            var problem = Problem(
                .methodNotAllowed, "method-not-allowed", "Method not allowed",
                "\(request.method.name) is not allowed here. Allowed: \(names).")
            problem.headers = [("Allow", names)]
            throw problem
        }
        let scope: TokenScope
        let handler: @Sendable (APIContext, [Int]) throws -> Response
        switch route.handler {
        case .open(let serve): return serve(request)
        case .token(let needed, let handle): (scope, handler) = (needed, handle)
        }

        // Only a Bearer token opens the API: no cookie, no web-server login.
        let authorization = request.header("Authorization")?.trimmingWhitespace ?? ""
        guard !authorization.isEmpty else {
            let hint = request.cookies.isEmpty ? "" : " Cookies (the console's session) do not open the API."
            throw Problem.unauthorized("Send an API token: Authorization: Bearer hlk_….\(hint)", invalidToken: false)
        }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw Problem.unauthorized(
                "Only Bearer tokens open the API (Authorization: Bearer hlk_…); the console's login does not.", invalidToken: false)
        }
        let config = try loadConfig(request)
        let store = try openStore(config)
        let now = Timestamp.now()
        guard let token = try store.tokens.authenticate(parts[1].trimmingWhitespace, now: now) else {
            throw Problem.unauthorized("The token is unknown or was revoked.", invalidToken: true)
        }
        guard token.scope.covers(scope) else {
            throw Problem.forbidden("The token “\(token.name)” has scope \(token.scope.rawValue); this endpoint needs \(scope.rawValue).")
        }
        let context = APIContext(
            request: request, config: config, store: store, token: token, now: now, sender: route.sends ? sender : nil)
        return try handler(context, parameters)
    }

    static func loadConfig(_ request: Request) throws -> Configuration {
        let path = Configuration.path(argument: nil, environment: request.environment["HOOKLINE_CONFIG"])
        do { return try Configuration.load(path: path) } catch {
            throw Problem.internalError("the configuration could not be loaded: \(error.description)")
        }
    }

    static func openStore(_ config: Configuration) throws -> Store {
        do { return try Store.open(config.database) } catch {
            var problem = Problem(
                .serviceUnavailable, "unavailable", "Database unavailable", "Hookline could not open its database; try again later.")
            problem.headers = [("Retry-After", "5")]
            _ = Problem.internalError("\(error)")
            throw problem
        }
    }
}
