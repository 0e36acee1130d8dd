import HooklineCore
import HooklineSigning

/// The rules a subscription's fields must follow, with the messages shown next to a faulty
/// field. One implementation for every front end: the console's form and the HTTP API call
/// these, so they accept the same input and say the same thing about it.
public enum SubscriptionRules {
    public static let maximumNameLength = 200
    public static let schemeMessage = "Choose Hookline or Standard Webhooks."

    /// Event type names in order, repeats folded.
    public static func normalizedEvents(_ names: [String]) -> [String] {
        var seen: Set<String> = []
        return names.filter { seen.insert($0).inserted }
    }

    /// Agent uuids lowercased, repeats folded.
    public static func normalizedAgents(_ uuids: [String]) -> [String] {
        var seen: Set<String> = []
        return uuids.map { $0.lowercased() }.filter { seen.insert($0).inserted }
    }

    public static func nameProblem(_ name: String) -> String? {
        if name.isEmpty { return "Enter a name, for example “CRM sync”." }
        return DisplayText.problem(name, maximum: maximumNameLength)?.message("The name")
    }

    public static func urlProblem(_ url: String, config: Configuration) -> String? {
        TargetURL.problem(with: url, allowHTTP: config.allowHTTP)
    }

    public static func eventsProblem(_ names: [String], catalogue: [EventType]) -> String? {
        let known = Set(catalogue.map(\.name))
        if names.isEmpty { return "Select at least one event." }
        if let unknown = names.first(where: { !known.contains($0) }) {
            return "“\(unknown.prefix(100))” is not an event type in the catalogue."
        }
        return nil
    }

    public static func agentsProblem(_ uuids: [String], agents: [Agent]) -> String? {
        let known = Set(agents.map(\.uuid))
        if let unknown = uuids.first(where: { !known.contains($0) }) {
            return "“\(unknown.prefix(100))” is not an agent of this account."
        }
        return nil
    }

    /// Every problem of `draft`, by field (`name`, `url`, `events`, `agents`); empty when valid.
    /// The draft's names, events and agents are expected trimmed and normalized.
    public static func problems(of draft: SubscriptionDraft, agents: [Agent], events: [EventType], config: Configuration)
        -> [String: String]
    {
        var problems: [String: String] = [:]
        problems["name"] = nameProblem(draft.name)
        problems["url"] = urlProblem(draft.url, config: config)
        problems["events"] = eventsProblem(draft.eventTypes, catalogue: events)
        problems["agents"] = agentsProblem(draft.agentUUIDs, agents: agents)
        return problems
    }
}
