import HooklineAPI
import HooklineCGI
import HooklineStore
import HooklineTemplates

/// The console's entry point: from a decoded request to a complete response.
public enum Console {
    /// Every page of the console, in one table. The web server sends every request below the
    /// mount to `hookline-console`; a POST to a route that `sends` is handed to `hookline-send`
    /// (the only CGI that links libcurl) before its body is read.
    public static let routes: [Route] = [
        Route("", [.get], .page(InventoryPage.show)),
        Route("new", [.get, .post], .page(SubscriptionFormPage.create)),
        Route("audit", [.get], .page(AuditPage.show)),
        Route("deliveries", [.get], .page(LogPage.show)),
        Route("events", [.get], .page(EventsPage.show)),
        Route("tokens", [.get, .post], .page(TokensPage.handle)),
        Route(":id", [.get], .subscription(SubscriptionPage.show)),
        Route(":id/edit", [.get, .post], .subscription(SubscriptionFormPage.edit)),
        Route(":id/delete", [.get, .post], .subscription(DeletePage.handle)),
        Route(":id/active", [.post], .subscription(ToggleAction.handle)),
        Route(":id/secret", [.post], .subscription(SecretAction.handle)),
        Route(":id/test", [.get, .post], sends: true, .subscription(TestSendPage.handle)),
        Route(":id/deliveries", [.get], .subscription(DeliveriesPage.list)),
        Route(":id/deliveries/:attempt", [.get], .subscription(DeliveriesPage.detail)),
        Route(":id/deliveries/:attempt/resend", [.post], sends: true, .subscription(ResendAction.handle)),
        Route(":id/held", [.get, .post], .subscription(HeldPage.handle)),
        Route(":id/recover", [.get, .post], .subscription(RecoverPage.one)),
        Route("recover", [.get, .post], .page(RecoverPage.all)),
        Route("metrics", [.get], .page(MetricsPage.show)),
    ]

    /// The program that serves the routes that send.
    public static let sendingProgram = "hookline-send"

    /// The console linked dynamically, which can load libpq: the static console hands it every
    /// request when the config names a PostgreSQL database (DESIGN §10).
    public static let postgreSQLProgram = "hookline-console-pg"

    /// Runs as a CGI program: reads the request, writes the response once. Without a `sender`
    /// (in `hookline-console`), a request that sends is handed to ``sendingProgram``.
    public static func main(sender: (any WebhookSender)? = nil) {
        CGIProcess.serve(
            errorPage: { scriptName, pathInfo, status, message in
                API.handles(pathInfo: pathInfo)
                    ? API.undecodable(status: status, message: message)
                    : ErrorPage.standalone(status: status, message: message, scriptName: scriptName)
            },
            beforeBody: { environment in
                guard sender == nil else { return nil }
                return handOffIfSending(environment) ?? handOffIfPostgreSQL(environment)
            },
            handler: { request in respond(to: request, sender: sender) })
    }

    /// Replaces this process with ``sendingProgram`` when the request is a POST to a route
    /// that sends — a console route marked `sends` or an API endpoint that sends
    /// (``API/sends(method:pathInfo:)``); returns an error only when that program cannot be started.
    static func handOffIfSending(_ environment: [String: String]) -> Response? {
        let method = HTTPMethod(environment["REQUEST_METHOD"] ?? "GET")
        let pathInfo = environment["PATH_INFO"] ?? ""
        let isAPI = API.handles(pathInfo: pathInfo)
        if isAPI {
            guard API.sends(method: method, pathInfo: pathInfo) else { return nil }
        } else {
            let segments = pathInfo.split(separator: "/")
            guard case .found(let route, _) = RouteMatch(routes, method: method, segments: segments), route.needsSender(method)
            else { return nil }
        }
        return handOff(to: sendingProgram, environment, because: "This page sends webhooks")
    }

    /// In an executable that cannot load libpq (the static console), replaces this process with
    /// ``postgreSQLProgram`` when the config names a PostgreSQL database. An SQLite installation
    /// pays one read of the file and a scan for its `database` line (no parsing); a config that
    /// does not load is left to the page, which explains it.
    static func handOffIfPostgreSQL(_ environment: [String: String]) -> Response? {
        guard !Database.canLoadPostgreSQL else { return nil }
        let path = Configuration.path(argument: nil, environment: environment["HOOKLINE_CONFIG"])
        guard Configuration.namesPostgreSQL(path: path) else { return nil }
        return handOff(to: postgreSQLProgram, environment, because: "The database is PostgreSQL")
    }

    /// Replaces this process with `program` (same arguments, environment and unread stdin);
    /// returns the error answer only when that program cannot be started.
    private static func handOff(to program: String, _ environment: [String: String], because reason: String) -> Response {
        let failure = CGIProcess.replaceProcess(with: program)
        CGIProcess.write(Array("hookline-console: \(failure)\n".utf8), to: 2)
        let message = "\(reason), which \(program) serves, and it could not be started: \(failure)."
        if API.handles(pathInfo: environment["PATH_INFO"] ?? "") { return API.handOffFailed(message) }
        var scriptName = environment["SCRIPT_NAME"] ?? ""
        while scriptName.hasSuffix("/") { scriptName.removeLast() }
        return ErrorPage.standalone(status: .internalError, message: message, scriptName: scriptName)
    }

    /// Answers one request. Tests call this directly with a built `Request`.
    public static func respond(to request: Request, sender: (any WebhookSender)? = nil) -> Response {
        // The HTTP API has its own routes, tokens and errors (JSON, no login, no CSRF cookie).
        if API.handles(pathInfo: request.pathInfo) { return API.respond(to: request, sender: sender) }
        let method = request.method.servedAs

        // `/webhooks` → `/webhooks/`, so relative links and cookies line up.
        if (request.environment["PATH_INFO"] ?? "").isEmpty && !request.scriptName.isEmpty && method == .get {
            return .redirect(to: request.scriptName + "/")
        }
        // One address per page: `/12/test/` → `/12/test` for a GET, not found otherwise.
        if request.pathInfo.count > 1 && request.pathInfo.hasSuffix("/") {
            var canonical = request.pathInfo
            while canonical.hasSuffix("/") { canonical.removeLast() }
            if method == .get, case .found = RouteMatch(routes, method: .get, segments: request.pathSegments) {
                return .redirect(to: request.scriptName + canonical + (request.query.pairs.isEmpty ? "" : "?" + request.query.urlEncoded))
            }
            return ErrorPage.standalone(status: .notFound, message: "There is no page at \(request.pathInfo).", request: request)
        }

        // Find the route before touching config or database: a wrong path or method is cheap.
        let route: Route
        let parameters: RouteParameters
        switch RouteMatch(routes, method: method, segments: request.pathSegments) {
        case .notFound:
            return ErrorPage.standalone(status: .notFound, message: "There is no page at \(request.pathInfo).", request: request)
        case .methodNotAllowed(let allowed):
            let names = allowed.map(\.name).sorted().joined(separator: ", ")
            var response = ErrorPage.standalone(
                status: .methodNotAllowed, message: "\(request.method.name) is not allowed here. Allowed: \(names).", request: request)
            response.setHeader("Allow", names)
            return response
        case .found(let found, let values):
            route = found
            parameters = values
        }

        let shell: PageShell
        do {
            shell = try PageShell(request: request)
        } catch {
            let failure = error as? PageFailure ?? .internalError("\(error)")
            return ErrorPage.standalone(status: failure.status, message: ErrorLog.shown(failure, request: request), request: request)
        }
        // DNS rebinding: where the config names the console's addresses, answer no other Host.
        let origins = shell.config.publicOrigins
        if !origins.isEmpty, !(request.origin.map(origins.contains) ?? false) {
            return ErrorPage.standalone(
                status: .badRequest,
                message:
                    "Hookline does not answer at the address “\(request.header("Host") ?? "")”. Open the console at the address your administrator gave you.",
                request: request)
        }
        guard let actor = shell.signedInUser else {
            return shell.signInRequired()
        }
        let context = PageContext(shell: shell, actor: actor, sender: route.needsSender(method) ? sender : nil)
        // A CGI process ends with this response: its database connection and templates go with it.
        CGIProcess.keepUntilExit(context)
        if method == .post, let refusal = CSRF.check(request: request, publicOrigins: origins) {
            return context.errorPage(PageFailure(status: .forbidden, title: "Request refused", message: refusal))
        }
        do {
            var response: Response
            switch route.handler {
            case .page(let handler):
                response = try handler(context)
            case .subscription(let handler):
                response = try handler(context, try context.subscription(parameters.id), parameters)
            }
            context.finish(&response)
            return response
        } catch let failure as PageFailure {
            return context.errorPage(failure)
        } catch {
            return context.errorPage(.internalError("\(error)"))
        }
    }
}

/// A page that cannot be shown, with the status and a message the admin can act on.
///
/// `detail` is for the operator: it goes to the server's error log under a short reference
/// that the page shows, never to the browser (it may name files, SQL or internal state).
public struct PageFailure: Error {
    public let status: HTTPStatus
    public let title: String
    public let message: String
    public let detail: String?
    /// Seconds after which trying again may work (`Retry-After`), for a 503.
    public let retryAfter: Int?

    public init(status: HTTPStatus, title: String? = nil, message: String, detail: String? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.title = title ?? (status == .notFound ? "Not found" : "Something went wrong")
        self.message = message
        self.detail = detail
        self.retryAfter = retryAfter
    }

    /// A failure inside Hookline: the page says so with a reference, the log has `detail`.
    public static func internalError(_ detail: String) -> PageFailure {
        PageFailure(
            status: .internalError, message: "Hookline could not complete this request; nothing more was changed.", detail: detail)
    }

    /// The page for a change the store refused: 409 when someone saved in between (`conflict`
    /// says what to do), 404 when the webhook is gone, an internal error otherwise.
    public static func refused(_ error: ChangeError, conflict: String, gone: String) -> PageFailure {
        switch error {
        case .conflict: PageFailure(status: .conflict, title: "Changed meanwhile", message: conflict)
        case .notFound: .notFound(gone)
        case .failed(let detail): .internalError(detail)
        }
    }

    public static func notFound(_ what: String) -> PageFailure {
        PageFailure(status: .notFound, title: "Not found", message: what)
    }

    public static func badRequest(_ message: String, title: String = "Bad request") -> PageFailure {
        PageFailure(status: .badRequest, title: title, message: message)
    }
}
