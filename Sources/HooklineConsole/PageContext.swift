import HooklineCGI
import HooklineCore
import HooklineSigning
import HooklineStore
import HooklineTemplates

#if canImport(Glibc)
    import Glibc
#endif

/// What every response of one request shares, signed in or not: the request, the config, the
/// templates, the CSRF token, the link builders and the page chrome (layout, error pages).
public class PageShell {
    public let request: Request
    public let config: Configuration
    public let templates: TemplateLibrary
    public let links: Links
    public let now: Int
    /// The token every form of this response carries; also set as a cookie when new.
    public let csrfToken: String
    private let csrfIsNew: Bool
    /// `REMOTE_USER`, or `anonymous (dev)` where the config allows it; nil means sign-in required.
    let signedInUser: String?

    init(request: Request) throws {
        self.request = request
        let path = Configuration.path(argument: nil, environment: request.environment["HOOKLINE_CONFIG"])
        do {
            config = try Configuration.load(path: path)
        } catch {
            // The detail names the file: it goes to the server's error log, not to the browser.
            if let line = error.line {
                throw PageFailure(
                    status: .internalError, title: "Hookline's configuration has an error",
                    message:
                        "Line \(line) of Hookline's configuration file has a setting Hookline does not accept. Correct that line (changes apply on the next request).",
                    detail: "configuration: \(error.description)")
            }
            throw PageFailure(
                status: .internalError, title: "Hookline is not configured",
                message:
                    "Hookline could not read its configuration file. Set HOOKLINE_CONFIG in the web server to the path of hookline.conf and let the web server's user read that file.",
                detail: "configuration: \(error.description)")
        }
        templates = TemplateLibrary(directory: Self.pinned(config.templatesDirectory))
        links = Links(mount: request.scriptName)
        if let user = request.remoteUser {
            signedInUser = user
        } else if config.anonymous == .dev {
            signedInUser = "anonymous (dev)"
        } else {
            signedInUser = nil
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

    /// `directory` with symlinks resolved, once per request: an upgrade switches the installed
    /// templates by renaming a symlink, and every template of one page must come from one release.
    static func pinned(_ directory: String) -> String {
        guard let resolved = realpath(directory, nil) else { return directory }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Copies `shell` (a signed-in ``PageContext`` starts from the shell that checked sign-in).
    init(copying shell: PageShell) {
        request = shell.request
        config = shell.config
        templates = shell.templates
        links = shell.links
        now = shell.now
        csrfToken = shell.csrfToken
        csrfIsNew = shell.csrfIsNew
        signedInUser = shell.signedInUser
    }

    /// What ties a one-time secret reveal to this browser: its CSRF cookie, which only this
    /// browser holds (`HttpOnly`, `SameSite=Strict`).
    var revealBinding: String { csrfToken }

    /// The name shown as "Signed in as …" in the layout.
    var layoutUser: String? { nil }

    /// Renders `template` inside the layout. A `notice` comes from a fixed set (``Notice``).
    public func page(
        _ template: String, title: String, status: HTTPStatus = .ok, notice: String? = nil,
        _ values: TemplateDictionary = [:]
    ) throws -> Response {
        var context = values
        context["base"] = .text(links.inventory())
        context["csrf_token"] = .text(csrfToken)
        context["title"] = .text(title)
        // The values (a whole table's worth on the inventory) are freed by the process's exit.
        CGIProcess.keepUntilExit(values)
        var layout = context
        layout["stylesheet"] = .text(links.asset("hookline.css"))
        layout["script"] = .text(links.asset("hookline.js"))
        layout["user"] = .text(layoutUser ?? "")
        layout["notice"] = .text(notice ?? "")
        layout["nav_inventory"] = .text(links.inventory())
        layout["nav_new"] = .text(links.new)
        layout["nav_audit"] = .text(links.audit)
        layout["nav_log"] = .text(links.log())
        layout["nav_events"] = .text(links.events)
        layout["nav_tokens"] = .text(links.tokens())
        layout["version"] = .text(Hookline.version)
        // The page is rendered where the layout prints `{{ raw content }}`, into one buffer.
        return .html(bytes: try templates.renderPage(template, context, layout: "layout", layout, slot: "content"), status: status)
    }

    /// An error page in the console's layout; falls back to plain markup if templates fail.
    /// A failure's `detail` is logged under a reference the page shows, never shown itself.
    public func errorPage(_ failure: PageFailure) -> Response {
        let message = ErrorLog.shown(failure, request: request)
        do {
            var response = try page(
                "error", title: failure.title, status: failure.status,
                ["heading": .text(failure.title), "message": .text(message), "status": .int(failure.status.code)])
            if let seconds = failure.retryAfter { response.setHeader("Retry-After", String(seconds)) }
            finish(&response)
            return response
        } catch {
            return ErrorPage.standalone(status: failure.status, message: message, request: request)
        }
    }

    /// The page shown when the web server did not authenticate the user.
    func signInRequired() -> Response {
        errorPage(
            PageFailure(
                status: .forbidden, title: "Sign-in required",
                message:
                    "Hookline relies on the web server to sign users in, and this request arrived without a user (REMOTE_USER is empty). Enable Basic auth or single sign-on for the Hookline location in the web server (see the deployment guide). For local development only, set `anonymous = dev` in Hookline's configuration file.",
                detail: "request without REMOTE_USER while `anonymous` is not `dev` in \(config.sourcePath)"))
    }

    /// Adds what every response of this request needs (the CSRF cookie on first visit).
    func finish(_ response: inout Response) {
        if csrfIsNew && response.headers.first(where: { $0.name == "Set-Cookie" && $0.value.hasPrefix(CSRF.cookieName + "=") }) == nil {
            response.setCookie(
                name: CSRF.cookieName, value: csrfToken, path: request.scriptName.isEmpty ? "/" : request.scriptName + "/",
                secure: request.isHTTPS)
        }
    }
}

/// A signed-in request: the shell plus who is acting, the database and, in `hookline-send`
/// on a route that sends, the sender.
public final class PageContext: PageShell {
    /// Who is acting, as recorded in the audit log.
    public let actor: String
    private let sender: (any WebhookSender)?
    private var openedStore: Store?

    init(shell: PageShell, actor: String, sender: (any WebhookSender)?) {
        self.actor = actor
        self.sender = sender
        super.init(copying: shell)
    }

    override var layoutUser: String? { actor }

    /// The store, opened (and the database migrated if needed) on first use.
    public var store: Store {
        get throws {
            if let openedStore { return openedStore }
            do {
                let store = try Store.open(config.database)
                openedStore = store
                return store
            } catch {
                throw PageFailure(
                    status: .serviceUnavailable, title: "Database unavailable",
                    message: {
                        switch config.database {
                        case .sqlite: "Hookline could not open its database. Check the `database` setting and its directory's permissions."
                        case .postgresql:
                            "Hookline could not reach its PostgreSQL database. Check that the server runs and the `database` setting."
                        }
                    }(),
                    detail: "\(error) (`database` in \(config.sourcePath))")
            }
        }
    }

    /// The subscription named by the route, or a 404 page.
    func subscription(_ id: Int) throws -> Subscription {
        guard let subscription = try store.subscriptions.find(id: id) else {
            throw PageFailure.notFound("There is no webhook with id \(id). It may have been deleted.")
        }
        return subscription
    }

    /// The `version` a change form was made on. Every change must name it, so a stale page
    /// cannot overwrite a newer save: a 409 when it is missing or malformed.
    func postedVersion(of subscription: Subscription, nothingWas verb: String) throws -> Int {
        let form = request.form
        guard form.count("version") == 1, let version = form["version"].flatMap(Int.init) else {
            throw PageFailure(
                status: .conflict, title: "Reload and try again",
                message:
                    "This form did not say which version of “\(subscription.name)” it was made for. Nothing was \(verb); reload the page and try again."
            )
        }
        return version
    }

    /// What sends webhooks for this request. The dispatcher hands every POST to a route that
    /// sends to `hookline-send`, which provides it; anywhere else this is a wiring fault.
    public func webhookSender() throws -> any WebhookSender {
        guard let sender else {
            throw PageFailure(
                status: .internalError,
                message: "This page sends webhooks, and this program cannot: it is served by \(Console.sendingProgram).")
        }
        return sender
    }
}

/// Where a failure's detail goes: the server's error log (stderr of a CGI), under a short
/// reference that the page shows, so an operator can find it and the browser learns nothing.
enum ErrorLog {
    /// The message the page shows for `failure`, logging its detail first when it has one.
    static func shown(_ failure: PageFailure, request: Request) -> String {
        guard let detail = failure.detail else { return failure.message }
        let reference = Identifier.token(byteCount: 4)
        let line =
            "hookline [\(reference)] \(failure.status.code) \(request.method.name) \(request.scriptName)\(request.pathInfo): \(detail)"
        CGIProcess.write(Array((line.replacing("\n", with: " ") + "\n").utf8), to: 2)
        return failure.message + " The details are in the server's error log under reference \(reference)."
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
