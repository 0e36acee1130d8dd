import HooklineCGI
import HooklineSigning
import HooklineStore
import HooklineTemplates

/// `GET/POST /new` and `GET/POST /<id>/edit`.
enum SubscriptionFormPage {
    @Sendable static func create(_ context: PageContext) throws -> Response {
        let catalog = try context.store.catalog
        let agents = try catalog.agents()
        let events = try catalog.eventTypes()
        guard context.request.method == .post else {
            var form = SubscriptionForm()
            form.eventTypes = context.request.query.all("events")  // e.g. /new?events=conversation.ended
            return try render(context, form: form, agents: agents, events: events, submission: Identifier.token())
        }
        let posted = context.request.form
        let form = SubscriptionForm(posted: posted, existing: nil, agents: agents, events: events, config: context.config)
        let submission = posted["submission"].flatMap { CSRF.isSubmissionToken($0) ? $0 : nil }
        guard form.isValid else {
            return try render(
                context, form: form, agents: agents, events: events, submission: submission ?? Identifier.token(), status: .unprocessable)
        }
        // The same form submitted twice (double click, back + resubmit, even at the same moment)
        // creates one webhook; the repeat is sent to it without revealing the secret again.
        let secret = form.generateSecret ? try SigningSecret.generate() : nil
        let creation = try context.store.subscriptions.create(
            form.draft, secret: secret, creationToken: submission, revealBinding: context.revealBinding, actor: context.actor,
            now: context.now)
        return .redirect(to: context.links.subscription(creation.id, notice: .created, reveal: creation.revealToken))
    }

    @Sendable static func edit(_ context: PageContext, _ subscription: Subscription, _ parameters: RouteParameters) throws -> Response {
        let catalog = try context.store.catalog
        let agents = try catalog.agents()
        let events = try catalog.eventTypes()
        guard context.request.method == .post else {
            return try render(context, form: SubscriptionForm(subscription), agents: agents, events: events, editing: subscription)
        }
        var form = SubscriptionForm(
            posted: context.request.form, existing: subscription, agents: agents, events: events, config: context.config)
        guard form.isValid, let version = form.version else {
            return try render(context, form: form, agents: agents, events: events, editing: subscription, status: .unprocessable)
        }
        let store = try context.store.subscriptions
        do {
            try store.update(id: subscription.id, with: form.draft, expectedVersion: version, actor: context.actor, now: context.now)
        } catch .conflict(let current) {
            // Show what is stored now; the admin re-applies their change knowingly.
            var fresh = SubscriptionForm(current)
            fresh.errors["form"] =
                "Someone else saved this webhook while you were editing it. The form now shows the saved values; your changes were not applied. Review them and save again."
            form = fresh
            return try render(context, form: form, agents: agents, events: events, editing: current, status: .conflict)
        } catch .notFound {
            throw PageFailure.notFound("This webhook was deleted while you were editing it.")
        } catch .failed(let detail) {
            throw PageFailure.internalError(detail)
        }
        if form.draft.active, try context.store.deliveries.heldCount(subscriptionID: subscription.id) > 0 {
            return .redirect(to: context.links.held(subscription.id))
        }
        return .redirect(to: context.links.subscription(subscription.id, notice: .saved))
    }

    static func render(
        _ context: PageContext, form: SubscriptionForm, agents: [Agent], events: [EventType], editing: Subscription? = nil,
        submission: String? = nil, status: HTTPStatus = .ok
    ) throws -> Response {
        var values = form.values(agents: agents, events: events, isEdit: editing != nil)
        values["submission"] = .text(submission ?? "")
        values["cancel_link"] = .text(editing.map { context.links.subscription($0.id) } ?? context.links.inventory())
        values["agents_admin_hint"] = .text("Agents are managed with `hookline agents add`.")
        values["catalogue_link"] = .text(context.links.events)
        if let editing {
            values["action"] = .text(context.links.edit(editing.id))
            values["id"] = .int(editing.id)
            values["secret_set"] = .bool(editing.hasSecret)
            values["secret_action"] = .text(context.links.secret(editing.id))
            values["disabled_reason"] = .text(editing.disabledReason ?? "")
            values["grace_until"] = .text(graceText(editing, now: context.now))
            values["delete_link"] = .text(context.links.delete(editing.id))
        } else {
            values["action"] = .text(context.links.new)
        }
        let title = editing.map { "Edit “\($0.name)”" } ?? "Create a webhook"
        return try context.page("form", title: title, status: status, values)
    }

    /// "The previous secret still signs until …" while a rotation's grace period runs.
    static func graceText(_ subscription: Subscription, now: Int) -> String {
        guard subscription.previousSecret != nil, let until = subscription.previousSecretExpiresAt, until > now else { return "" }
        return Timestamp.display(until)
    }
}
