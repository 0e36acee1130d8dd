import Foundation
import HooklineCGI
import HooklineConsole
import HooklineStore

/// A console with its own config and database in a temporary directory. Requests go through
/// `Request(environment:readBody:)` and `Console.respond(to:)`, as the CGI executable does.
public final class ConsoleFixture {
    /// Removed with the fixture, database files and all.
    public let temporary = TemporaryDirectory(prefix: "hookline-console")
    public var directory: String { temporary.path }
    public let configPath: String
    /// The console's database (an SQLite file, or a PostgreSQL database; see ``TestDatabase``).
    public let testDatabase: TestDatabase
    /// The CSRF cookie and form token a browser would have after its first visit.
    public let csrf = String(repeating: "0123456789abcdef", count: 4)

    public static let agentA = Agent(uuid: "aaaaaaaa-1111-4111-8111-111111111111", name: "Alpha Support")
    public static let agentB = Agent(uuid: "bbbbbbbb-2222-4222-8222-222222222222", name: "Beta Sales")

    /// The repository's Templates folder, found from this file so any clone works.
    public static let templatesDirectory: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/HooklineTestSupport/ConsoleFixture.swift
        return parts.joined(separator: "/") + "/Templates"
    }()

    /// What sends webhooks for POSTs to the sending routes (as `hookline-send` provides); nil as in `hookline-console`.
    public let sender: (any WebhookSender)?

    public init(anonymous: Bool = true, extraConfig: String = "", sender: (any WebhookSender)? = nil) throws {
        self.sender = sender
        configPath = temporary.file("hookline.conf")
        testDatabase = try TestDatabase(in: temporary)
        let config = """
            # test config
            database = \(testDatabase.configValue)
            templates = \(Self.templatesDirectory)
            anonymous = \(anonymous ? "dev" : "off")
            \(extraConfig)
            """
        temporary.write("hookline.conf", config)
        let db = try database()
        _ = try Catalog(db).upsertAgent(Self.agentA)
        _ = try Catalog(db).upsertAgent(Self.agentB)
    }

    /// A separate connection to the console's database, for setting up and checking state.
    public func database() throws -> Database {
        let db = try Database(testDatabase.location)
        try Schema.migrate(db)
        return db
    }

    public var store: SubscriptionStore { get throws { SubscriptionStore(try database()) } }

    @discardableResult
    public func create(
        _ name: String = "CRM sync", url: String = "https://example.com/hook", active: Bool = true,
        events: [String] = ["conversation.ended"], agents: [String] = [], secret: String? = nil
    ) throws -> Int {
        try store.create(
            SubscriptionDraft(name: name, url: url, active: active, signatureScheme: .hookline, eventTypes: events, agentUUIDs: agents),
            secret: secret, actor: "setup", now: Timestamp.now()
        ).id
    }

    /// Drops the audit log with the engine's shell, so the next change fails inside the store
    /// (as a corrupted or foreign database would) — for testing how internal errors are shown.
    public func breakAuditLog() throws {
        try testDatabase.shell("DROP TABLE audit_log")
    }

    public func environment(
        _ method: String, _ path: String, query: String = "", user: String? = nil, cookie: Bool = true,
        extra: [String: String] = [:]
    ) -> [String: String] {
        var env = [
            "REQUEST_METHOD": method, "SCRIPT_NAME": "/webhooks", "PATH_INFO": path, "QUERY_STRING": query,
            "HOOKLINE_CONFIG": configPath, "HTTP_HOST": "console.test", "SERVER_NAME": "console.test",
        ]
        if cookie { env["HTTP_COOKIE"] = "hookline_csrf=\(csrf)" }
        if let user { env["REMOTE_USER"] = user }
        for (key, value) in extra { env[key] = value }
        return env
    }

    public func get(_ path: String, query: String = "", user: String? = nil, extra: [String: String] = [:]) throws -> Page {
        let request = try Request(environment: environment("GET", path, query: query, user: user, extra: extra), readBody: { _ in [] })
        return Page(Console.respond(to: request, sender: sender))
    }

    /// A form POST carrying the CSRF cookie and, unless `token` says otherwise, the matching field.
    public func post(
        _ path: String, _ fields: [(String, String)], token: String? = nil, user: String? = nil, cookie: Bool = true,
        extra: [String: String] = [:]
    ) throws -> Page {
        var form = FormData()
        let token = token ?? csrf
        if !token.isEmpty { form.append("csrf_token", token) }
        for (name, value) in fields { form.append(name, value) }
        let body = Array(form.urlEncoded.utf8)
        var env = environment("POST", path, user: user, cookie: cookie, extra: extra)
        env["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        env["CONTENT_LENGTH"] = String(body.count)
        let request = try Request(environment: env, readBody: { Array(body.prefix($0)) })
        return Page(Console.respond(to: request, sender: sender))
    }
}

/// What the browser gets: status, headers, HTML.
public struct Page {
    public let response: Response
    public let html: String

    public init(_ response: Response) {
        self.response = response
        html = String(decoding: response.body, as: UTF8.self)
    }

    public var status: Int { response.status.code }
    public func header(_ name: String) -> String? { response.header(name) }
    public var location: String? { header("Location") }

    /// The serialized CGI headers, as the web server receives them.
    public var serializedHead: String {
        let text = String(decoding: response.serialized(includeBody: false), as: UTF8.self)
        return text
    }

    public func occurrences(of text: String) -> Int {
        html.split(separator: text, omittingEmptySubsequences: false).count - 1
    }

    /// The query of a redirect location as decoded pairs.
    public var locationQuery: FormData {
        guard let location, let mark = location.firstIndex(of: "?") else { return FormData() }
        return (try? FormData(urlEncoded: String(location[location.index(after: mark)...]))) ?? FormData()
    }

    public var locationPath: String {
        guard let location else { return "" }
        return String(location.prefix { $0 != "?" })
    }
}
