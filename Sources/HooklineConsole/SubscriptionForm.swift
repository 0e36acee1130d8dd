import HooklineCGI
import HooklineCore
import HooklineSigning
import HooklineStore
import HooklineTemplates

/// The create/edit form: one type both reads the posted fields and draws the controls, so
/// the form and its handling cannot drift apart.
struct SubscriptionForm {
    var name = ""
    var url = ""
    var active = true
    var signatureScheme = SignatureScheme.hookline.rawValue
    var eventTypes: [String] = []
    var agentUUIDs: [String] = []
    var generateSecret = true
    var version: Int? = nil
    /// Field name → message shown next to it.
    var errors: [String: String] = [:]

    static let maximumNameLength = SubscriptionRules.maximumNameLength

    init() {}

    /// The form filled with a stored subscription, for editing.
    init(_ subscription: Subscription) {
        name = subscription.name
        url = subscription.url
        active = subscription.active && subscription.disabledReason == nil
        signatureScheme = subscription.signatureScheme.rawValue
        eventTypes = subscription.eventTypes
        agentUUIDs = subscription.agentUUIDs
        version = subscription.version
        generateSecret = false
    }

    /// Reads and validates a submitted form. `existing` is the subscription being edited (nil on create).
    init(posted form: FormData, existing: Subscription?, agents: [Agent], events: [EventType], config: Configuration) {
        func single(_ field: String) -> String? {
            let values = form.all(field)
            if values.count > 1 { errors[field] = "This field was sent \(values.count) times; send it once." }
            return values.first
        }
        name = (single("name") ?? "").trimmingWhitespace
        url = (single("url") ?? "").trimmingWhitespace
        let activeValue = single("active")
        active = activeValue == "1"
        if let activeValue, activeValue != "1", errors["active"] == nil { errors["active"] = "Active must be checked or unchecked." }

        if let scheme = single("signature_scheme") {
            signatureScheme = scheme
            if SignatureScheme(rawValue: scheme) == nil, errors["signature_scheme"] == nil {
                errors["signature_scheme"] = SubscriptionRules.schemeMessage
            }
        } else {
            signatureScheme = (existing?.signatureScheme ?? .hookline).rawValue
        }
        if existing == nil {
            let generate = single("generate_secret")
            generateSecret = generate == "1"
            if let generate, generate != "1", errors["generate_secret"] == nil {
                errors["generate_secret"] = "Generate a signing secret must be checked or unchecked."
            }
        } else {
            generateSecret = false
            if let raw = single("version") {
                version = Int(raw)
            }
            if version == nil {
                errors["form"] = "The form is missing its version. Reload the edit page and try again."
            }
        }

        // Names must be unique in order; repeats of the same value are harmless and folded.
        eventTypes = SubscriptionRules.normalizedEvents(form.all("events"))
        agentUUIDs = SubscriptionRules.normalizedAgents(form.all("agents"))

        // The shared rules (the API applies the same ones); a field already refused keeps its message.
        for (field, problem) in SubscriptionRules.problems(of: draft, agents: agents, events: events, config: config)
        where errors[field] == nil {
            errors[field] = problem
        }
    }

    var isValid: Bool { errors.isEmpty }

    var draft: SubscriptionDraft {
        SubscriptionDraft(
            name: name, url: url, active: active, signatureScheme: SignatureScheme(rawValue: signatureScheme) ?? .hookline,
            eventTypes: eventTypes,
            agentUUIDs: agentUUIDs)
    }

    /// The template values that draw the form.
    func values(agents: [Agent], events: [EventType], isEdit: Bool) -> TemplateDictionary {
        var values: TemplateDictionary = [
            "name": .text(name),
            "url": .text(url),
            "active": .bool(active),
            "generate_secret": .bool(generateSecret),
            "is_edit": .bool(isEdit),
            "version": .text(version.map { String($0) } ?? ""),
            "has_errors": .bool(!errors.isEmpty),
            "error_count": .int(errors.count),
            "all_agents": .bool(agentUUIDs.isEmpty),
            "has_agents": .bool(!agents.isEmpty),
            "name_max": .int(Self.maximumNameLength),
            "url_max": .int(TargetURL.maximumLength),
        ]
        for (field, message) in errors { values["error_\(field)"] = .text(message) }
        let selectedAgents = Set(agentUUIDs)
        values["agents"] = .list(
            agents.map { agent in
                ["uuid": .text(agent.uuid), "name": .text(agent.name), "checked": .bool(selectedAgents.contains(agent.uuid))]
            })
        values["schemes"] = .list(
            SignatureScheme.allCases.map { scheme in
                [
                    "value": .text(scheme.rawValue), "label": .text(scheme.label),
                    "checked": .bool(scheme.rawValue == signatureScheme),
                    "hint": .text(
                        scheme == .hookline
                            ? "HMAC-SHA256 of the body and timestamp, lowercase hex (default)"
                            : "v1,base64 over id.timestamp.body, per the Standard Webhooks spec"),
                ]
            })
        values["picker"] = EventPicker(events: events, selected: Set(eventTypes)).value
        return values
    }
}

/// The grouped event selection: groups by entity, each with its events and how many are selected.
struct EventPicker {
    let events: [EventType]
    let selected: Set<String>

    var value: TemplateValue {
        var order: [String] = []
        var byGroup: [String: [EventType]] = [:]
        for event in events {
            if byGroup[event.group] == nil { order.append(event.group) }
            byGroup[event.group, default: []].append(event)
        }
        let groups: [TemplateValue] = order.map { group in
            let members = byGroup[group] ?? []
            let count = members.filter { selected.contains($0.name) }.count
            return [
                "group": .text(group),
                "group_id": .text("group-" + group.lowercased().replacing(" ", with: "-")),
                "selected_count": .int(count),
                "total": .int(members.count),
                "all_selected": .bool(count == members.count),
                "mixed": .bool(count > 0 && count < members.count),
                "events": .list(
                    members.map { event in
                        [
                            "name": .text(event.name), "description": .text(event.description),
                            "checked": .bool(selected.contains(event.name)),
                        ]
                    }),
            ]
        }
        let chosen = events.filter { selected.contains($0.name) }.count
        return [
            "groups": .list(groups),
            "selected_count": .int(chosen),
            "total": .int(events.count),
        ]
    }
}
