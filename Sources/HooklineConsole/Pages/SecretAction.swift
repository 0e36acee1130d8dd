import HooklineCGI
import HooklineSigning
import HooklineStore

/// `POST /<id>/secret`: generate or regenerate the signing secret; `action=remove` clears it
/// after a confirmation step.
enum SecretAction {
    @Sendable static func handle(_ context: PageContext, _ parameters: RouteParameters) throws -> Response {
        let subscription = try context.subscription(parameters.id)
        let form = context.request.form
        guard form.count("action") <= 1 else {
            throw PageFailure(status: .badRequest, title: "Bad request", message: "The field action was sent more than once.")
        }
        let action = form["action"] ?? "regenerate"
        let store = try context.subscriptions
        switch action {
        case "generate", "regenerate":
            let secret = try SigningSecret.generate()
            let graceUntil = context.now + context.config.secretGracePeriod
            let token: String?
            do {
                token = try store.replaceSecret(
                    id: subscription.id, newSecret: secret, graceUntil: graceUntil, actor: context.actor!, now: context.now)
            } catch {
                throw PageFailure(status: .internalError, message: "The secret could not be saved. Nothing was changed.")
            }
            var query = FormData(pairs: [("secret", "regenerated")])
            if let token { query.append("reveal", token) }
            return .redirect(to: context.link("/\(subscription.id)", query: query))
        case "remove":
            guard subscription.hasSecret else {
                return .redirect(to: context.link("/\(subscription.id)"))
            }
            guard form["confirm"] == "1" else {
                var values = SubscriptionPage.summary(subscription, context: context)
                values["action"] = .text(context.link("/\(subscription.id)/secret"))
                values["cancel_link"] = .text(context.link("/\(subscription.id)/edit"))
                return try context.page("secret_remove", title: "Remove the signing secret?", values)
            }
            do {
                _ = try store.replaceSecret(id: subscription.id, newSecret: nil, graceUntil: nil, actor: context.actor!, now: context.now)
            } catch {
                throw PageFailure(status: .internalError, message: "The secret could not be removed. Nothing was changed.")
            }
            return .redirect(to: context.link("/\(subscription.id)", query: FormData(pairs: [("secret", "removed")])))
        default:
            throw PageFailure(status: .badRequest, title: "Bad request", message: "Unknown secret action “\(action.prefix(40))”. Use regenerate or remove.")
        }
    }
}
