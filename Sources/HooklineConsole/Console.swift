import HooklineCGI
import HooklineStore
import HooklineTemplates

/// The console's entry point: from a decoded request to a complete response.
public enum Console {
    /// Every page of the console. `hookline-send` serves the same table plus its sending pages.
    public static let routes: [Route] = [
        Route("", methods: ["GET"], handler: InventoryPage.show),
        Route("new", methods: ["GET", "POST"], handler: SubscriptionFormPage.create),
        Route("audit", methods: ["GET"], handler: AuditPage.show),
        Route(":id", methods: ["GET"], handler: SubscriptionPage.show),
        Route(":id/edit", methods: ["GET", "POST"], handler: SubscriptionFormPage.edit),
        Route(":id/delete", methods: ["GET", "POST"], handler: DeletePage.handle),
        Route(":id/active", methods: ["POST"], handler: ToggleAction.handle),
        Route(":id/secret", methods: ["POST"], handler: SecretAction.handle),
        Route(":id/deliveries", methods: ["GET"], handler: DeliveriesPage.list),
        Route(":id/deliveries/:attempt", methods: ["GET"], handler: DeliveriesPage.detail),
        Route(":id/test", methods: ["GET", "POST"], sendsDeliveries: true, handler: Console.misrouted),
        Route(":id/deliveries/:attempt/resend", methods: ["POST"], sendsDeliveries: true, handler: Console.misrouted),
    ]

    /// Runs as a CGI program: reads the request, writes the response once.
    public static func main(routes: [Route] = Console.routes, canSend: Bool = false) {
        CGIProcess.serve(
            errorPage: { scriptName, status, message in ErrorPage.standalone(status: status, message: message, scriptName: scriptName) },
            handler: { request in respond(to: request, routes: routes, canSend: canSend) })
    }

    /// Answers one request. Tests call this directly with a built `Request`.
    public static func respond(to request: Request, routes: [Route] = Console.routes, canSend: Bool = false) -> Response {
        let method = request.method == "HEAD" ? "GET" : request.method
        let segments = request.pathSegments

        // `/webhooks` → `/webhooks/`, so relative links and cookies line up.
        if (request.environment["PATH_INFO"] ?? "").isEmpty && !request.scriptName.isEmpty && method == "GET" {
            return .redirect(to: request.scriptName + "/")
        }

        // Find the route before touching config or database: a wrong path or method is cheap.
        let matches = routes.compactMap { route in route.match(segments).map { (route, $0) } }
        guard !matches.isEmpty else {
            return ErrorPage.standalone(status: .notFound, message: "There is no page at \(request.pathInfo).", request: request)
        }
        guard let (route, parameters) = matches.first(where: { $0.0.methods.contains(method) }) else {
            let allowed = Set(matches.flatMap { $0.0.methods }).union(matches.contains { $0.0.methods.contains("GET") } ? ["HEAD"] : [])
            var response = ErrorPage.standalone(
                status: .methodNotAllowed,
                message: "\(request.method) is not allowed here. Allowed: \(allowed.sorted().joined(separator: ", ")).",
                request: request)
            response.setHeader("Allow", allowed.sorted().joined(separator: ", "))
            return response
        }
        if route.sendsDeliveries && !canSend {
            return ErrorPage.standalone(
                status: .internalError,
                message: "This page sends webhooks and is served by hookline-send. The web server routes it to hookline-console: check the Hookline location in its config.",
                request: request)
        }

        let context: PageContext
        do {
            context = try PageContext(request: request)
        } catch let failure as PageFailure {
            return ErrorPage.standalone(status: failure.status, message: failure.message, request: request)
        } catch {
            return ErrorPage.standalone(status: .internalError, message: "\(error)", request: request)
        }

        if context.actor == nil {
            return context.signInRequired()
        }
        if method == "POST" {
            if let refusal = CSRF.check(request: request) {
                return context.errorPage(status: .forbidden, title: "Request refused", message: refusal)
            }
        }
        do {
            var response = try route.handler(context, parameters)
            context.finish(&response)
            return response
        } catch let failure as PageFailure {
            return context.errorPage(status: failure.status, title: failure.title, message: failure.message)
        } catch {
            return context.errorPage(status: .internalError, title: "Something went wrong", message: "\(error)")
        }
    }

    @Sendable static func misrouted(_ context: PageContext, _ parameters: RouteParameters) throws -> Response {
        throw PageFailure(status: .internalError, message: "This page is served by hookline-send.")
    }
}

/// A page that cannot be shown, with the status and a message the admin can act on.
public struct PageFailure: Error {
    public let status: HTTPStatus
    public let title: String
    public let message: String

    public init(status: HTTPStatus, title: String? = nil, message: String) {
        self.status = status
        self.title = title ?? (status == .notFound ? "Not found" : "Something went wrong")
        self.message = message
    }

    public static func notFound(_ what: String) -> PageFailure {
        PageFailure(status: .notFound, title: "Not found", message: what)
    }
}
