import HooklineCGI
import HooklineSigning
import HooklineStore
import HooklineTemplates

/// What every page of one request shares: the request, the config, the database, the
/// templates, who is acting, the CSRF token, and the helpers that build links and pages.
public final class PageContext {
    public let request: Request
    public let config: Configuration
    public let templates: TemplateLibrary
    /// `REMOTE_USER`, or `anonymous (dev)` where the config allows it; nil means sign-in required.
    public let actor: String?
    public let now: Int
    /// The token every form of this response carries; also set as a cookie when new.
    public let csrfToken: String
    private let csrfIsNew: Bool
    private var openedDatabase: Database?

    init(request: Request) throws {
        self.request = request
        let path = Configuration.path(argument: nil, environment: request.environment["HOOKLINE_CONFIG"])
        do {
            config = try Configuration.load(path: path)
        } catch {
            throw PageFailure(
                status: .internalError, title: "Hookline is not configured",
                message: "The configuration could not be loaded: \(error.description). Set HOOKLINE_CONFIG in the web server to the path of hookline.conf.")
        }
        templates = TemplateLibrary(directory: config.templatesDirectory)
        if let user = request.remoteUser {
            actor = user
        } else if config.anonymous == .dev {
            actor = "anonymous (dev)"
        } else {
            actor = nil
        }
        now = Timestamp.now()
        if let token = request.cookies[CSRF.cookieName], CSRF.isWellFormed(token) {
            csrfToken = token
            csrfIsNew = false
        } else {
            csrfToken = CSRF.newToken()
            csrfIsNew = true
        }
    }

    /// The database, opened (and migrated if needed) on first use.
    public func database() throws -> Database {
        if let openedDatabase { return openedDatabase }
        do {
            let db = try Database(path: config.databasePath)
            try Schema.migrate(db)
            openedDatabase = db
            return db
        } catch {
            throw PageFailure(
                status: .serviceUnavailable, title: "Database unavailable",
                message: "\(error). Check `database` in \(config.sourcePath).")
        }
    }

    public var subscriptions: SubscriptionStore { get throws { SubscriptionStore(try database()) } }
    public var catalog: Catalog { get throws { Catalog(try database()) } }

    /// The subscription named by the route, or a 404 page.
    public func subscription(_ id: Int) throws -> Subscription {
        guard let subscription = try subscriptions.find(id: id) else {
            throw PageFailure.notFound("There is no webhook with id \(id). It may have been deleted.")
        }
        return subscription
    }

    // MARK: Links

    /// A link below the mount: `link("/12/edit")` → `/webhooks/12/edit`.
    public func link(_ path: String, query: FormData = FormData()) -> String {
        let base = request.scriptName + (path.isEmpty ? "/" : path)
        return query.pairs.isEmpty ? base : base + "?" + query.urlEncoded
    }

    /// A file of `Public/`, served by the web server under `<mount>/static/`.
    public func asset(_ file: String) -> String {
        request.scriptName + "/static/" + file
    }

    // MARK: Pages

    /// Renders `template` inside the layout.
    public func page(
        _ template: String, title: String, status: HTTPStatus = .ok, notice: String? = nil,
        _ values: [String: TemplateValue] = [:]
    ) throws -> Response {
        var context = values
        context["base"] = .text(link(""))
        context["csrf_token"] = .text(csrfToken)
        context["title"] = .text(title)
        let body = try templates.render(template, context)
        var layout = context
        layout["content"] = .html(body)
        layout["stylesheet"] = .text(asset("hookline.css"))
        layout["script"] = .text(asset("hookline.js"))
        layout["user"] = .text(actor ?? "")
        layout["notice"] = .text(notice ?? "")
        layout["nav_inventory"] = .text(link(""))
        layout["nav_new"] = .text(link("/new"))
        layout["nav_audit"] = .text(link("/audit"))
        return .html(try templates.render("layout", layout), status: status)
    }

    /// An error page in the console's layout; falls back to plain markup if templates fail.
    public func errorPage(status: HTTPStatus, title: String, message: String) -> Response {
        do {
            var response = try page(
                "error", title: title, status: status,
                ["heading": .text(title), "message": .text(message), "status": .int(status.code)])
            finish(&response)
            return response
        } catch {
            return ErrorPage.standalone(status: status, message: message, request: request)
        }
    }

    /// The page shown when the web server did not authenticate the user.
    func signInRequired() -> Response {
        errorPage(
            status: .forbidden, title: "Sign-in required",
            message: "Hookline relies on the web server to sign users in, and this request arrived without a user (REMOTE_USER is empty). Enable Basic auth or single sign-on for the Hookline location in the web server (see the deployment guide). For local development only, set `anonymous = dev` in \(config.sourcePath).")
    }

    /// Adds what every response of this context needs (the CSRF cookie on first visit).
    func finish(_ response: inout Response) {
        if csrfIsNew && response.headers.first(where: { $0.name == "Set-Cookie" && $0.value.hasPrefix(CSRF.cookieName + "=") }) == nil {
            response.setCookie(
                name: CSRF.cookieName, value: csrfToken, path: request.scriptName.isEmpty ? "/" : request.scriptName + "/",
                secure: request.isHTTPS)
        }
    }
}

/// Error pages that need nothing but the request: used before config and templates load.
enum ErrorPage {
    static func standalone(status: HTTPStatus, message: String, request: Request? = nil, scriptName: String? = nil) -> Response {
        let title = "\(status.code) \(status.reason)"
        let mount = scriptName ?? request?.scriptName ?? ""
        let home = mount + "/"
        let html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTMLText.escape(title)) · Hookline</title>
            <link rel="stylesheet" href="\(HTMLText.escape(mount + "/static/hookline.css"))"></head>
            <body><main class="page error-page"><h1>\(HTMLText.escape(title))</h1><p class="error-message">\(HTMLText.escape(message))</p>
            <p><a href="\(HTMLText.escape(home))">Back to webhooks</a></p></main></body></html>

            """
        return .html(html, status: status)
    }
}
