import HooklineAPI
import HooklineCGI
import HooklineStore
import HooklineTemplates

/// `GET/POST /tokens`: API tokens — make one (shown once), list them with their last use,
/// revoke one. The dispatcher checks sign-in and CSRF as for every form.
enum TokensPage {
    @Sendable static func handle(_ context: PageContext) throws -> Response {
        guard context.request.method == .post else {
            let notice = Notice(query: context.request.query).map { $0.text(name: nil) }
            return try show(context, notice: notice)
        }
        let form = context.request.form
        guard form.count("action") == 1 else { throw PageFailure.badRequest("The field action must be sent once.") }
        let tokens = try context.store.tokens
        switch form["action"] {
        case "create":
            var errors: [String: String] = [:]
            let name = form.count("name") == 1 ? (form["name"] ?? "").trimmingWhitespace : ""
            if form.count("name") > 1 { errors["name"] = "This field was sent \(form.count("name")) times; send it once." }
            let scopeText = form.count("scope") == 1 ? form["scope"] : nil
            let scope = scopeText.flatMap(TokenScope.init(rawValue:))
            if scope == nil { errors["scope"] = "Choose ingest, admin or metrics." }
            if errors["name"] == nil, let problem = TokenText.nameProblem(name) { errors["name"] = problem }
            if errors.isEmpty, let scope {
                do {
                    let made = try tokens.create(name: name, scope: scope, actor: context.actor, now: context.now)
                    return try show(context, created: made)
                } catch let error as TokenError {
                    errors["name"] = error.description
                }
            }
            return try show(context, name: name, scope: scope, errors: errors)
        case "revoke":
            guard form.count("name") == 1, let name = form["name"] else { throw PageFailure.badRequest("Name the token to revoke once.") }
            do {
                try tokens.revoke(name: name, actor: context.actor, now: context.now)
            } catch let error as TokenError {
                throw PageFailure.notFound(error.description)
            }
            return .redirect(to: context.links.tokens(notice: .tokenRevoked))
        default:
            throw PageFailure.badRequest("Unknown action; use create or revoke.")
        }
    }

    static func show(
        _ context: PageContext, created: NewAPIToken? = nil, name: String = "", scope: TokenScope? = .ingest,
        errors: [String: String] = [:],
        notice: String? = nil
    ) throws -> Response {
        let tokens = try context.store.tokens.list()
        var values: TemplateDictionary = [
            "action": .text(context.links.tokens()),
            "api_base": .text(context.request.scriptName + API.prefix + "/"),
            "openapi_link": .text(context.request.scriptName + API.prefix + "/openapi.json"),
            "name": .text(created == nil ? name : ""),
            "name_max": .int(TokenText.maximumNameLength),
            "has_errors": .bool(!errors.isEmpty),
            "new_token": .text(created?.token ?? ""),
            "new_token_name": .text(created?.stored.name ?? ""),
            "scopes": .list(
                TokenScope.allCases.map { option in
                    ["value": .text(option.rawValue), "label": .text(option.label), "checked": .bool(option == (scope ?? .ingest))]
                }),
            "tokens": .list(
                tokens.map { token in
                    [
                        "name": .text(token.name), "scope": .text(token.scope.rawValue),
                        "created": .text(Timestamp.display(token.createdAt)),
                        "created_by": .text(token.createdBy), "last_used": .text(token.lastUsedAt.map(Timestamp.display) ?? "Never"),
                        "status": .text(token.revokedAt.map { "Revoked " + Timestamp.display($0) } ?? "Active"),
                        "active": .bool(token.revokedAt == nil),
                    ]
                }),
        ]
        for (field, message) in errors { values["error_\(field)"] = .text(message) }
        let status: HTTPStatus = errors.isEmpty ? (created == nil ? .ok : HTTPStatus(201, "Created")) : .unprocessable
        return try context.page("tokens", title: "API tokens", status: status, notice: notice, values)
    }
}
