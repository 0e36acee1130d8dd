import HooklineCGI
import HooklineSigning
import HooklineStore

/// `POST /<id>/secret`: generate or regenerate the signing secret; `action=remove` clears it
/// after a confirmation step.
enum SecretAction {
    @Sendable static func handle(_ context: PageContext, _ subscription: Subscription, _ parameters: RouteParameters) throws -> Response {
        let form = context.request.form
        guard form.count("action") <= 1 else {
            throw PageFailure.badRequest("The field action was sent more than once.")
        }
        let action = form["action"] ?? "regenerate"
        let store = try context.store.subscriptions
        switch action {
        case "generate", "regenerate":
            let secret = try SigningSecret.generate()
            let graceUntil = context.now + context.config.secretGracePeriod
            let token: String?
            do {
                token = try store.replaceSecret(
                    id: subscription.id, newSecret: secret, graceUntil: graceUntil, revealBinding: context.revealBinding,
                    actor: context.actor,
                    now: context.now)
            } catch {
                throw PageFailure.refused(
                    error, conflict: "The webhook changed meanwhile; nothing was changed. Reload and try again.",
                    gone: "This webhook was deleted.")
            }
            return .redirect(to: context.links.subscription(subscription.id, notice: .secretRegenerated, reveal: token))
        case "remove":
            guard subscription.hasSecret else {
                return .redirect(to: context.links.subscription(subscription.id))
            }
            guard form["confirm"] == "1" else {
                var values = try PageValues.subscription(subscription, context: context)
                values["action"] = .text(context.links.secret(subscription.id))
                values["cancel_link"] = .text(context.links.edit(subscription.id))
                return try context.page("secret_remove", title: "Remove the signing secret?", values)
            }
            do {
                _ = try store.replaceSecret(
                    id: subscription.id, newSecret: nil, graceUntil: nil, revealBinding: context.revealBinding, actor: context.actor,
                    now: context.now)
            } catch {
                throw PageFailure.refused(
                    error, conflict: "The webhook changed meanwhile; nothing was changed. Reload and try again.",
                    gone: "This webhook was deleted.")
            }
            return .redirect(to: context.links.subscription(subscription.id, notice: .secretRemoved))
        default:
            throw PageFailure.badRequest("Unknown secret action “\(action.prefix(40))”. Use regenerate or remove.")
        }
    }
}
