import HooklineCore
import HooklineSigning
import HooklineStore

#if canImport(Glibc)
    import Glibc
#endif

/// The CLI's commands, one function each.
enum Commands {
    static func open(_ config: Configuration) throws -> Store {
        do { return try Store.open(config.database) } catch let error as StoreError {
            throw CommandFailure(message: error.message)
        }
    }

    static func say(_ text: String) { CommandLine.write(text + "\n", to: 1) }

    static func initialize(_ config: Configuration) throws {
        let org = try open(config).catalog.organization()
        say("database ready: \(config.database) (schema version \(Schema.currentVersion))")
        say("organization: \(DisplayText.terminalSafe(org.name)) (\(org.uuid))")
    }

    /// `migrate --to URI [--password-file FILE]`: copies this installation's SQLite database
    /// into an empty PostgreSQL database and checks every table's count.
    static func migrate(_ config: Configuration, _ arguments: [String]) throws {
        var uri: String? = nil
        var passwordFile: String? = nil
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--to": uri = rest.popFirst()
            case "--password-file": passwordFile = rest.popFirst()
            default:
                throw CommandFailure(
                    message: "migrate: unexpected “\(DisplayText.terminalSafe(argument))”\n\n" + CommandLine.usage, status: 2)
            }
        }
        guard let uri, DatabaseLocation.isPostgreSQL(uri) else {
            throw CommandFailure(message: "migrate needs --to postgresql://USER@HOST/DATABASE", status: 2)
        }
        guard case .sqlite = config.database else {
            throw CommandFailure(
                message: "the configured database is already PostgreSQL (\(config.database)); migrate copies an SQLite one")
        }
        let target = DatabaseLocation.postgresql(uri: uri, passwordFile: passwordFile)
        say("copying \(config.database) into \(target) (stop the workers and the web server first: later changes would not move)")
        do {
            let report = try DatabaseCopy.copy(from: try Database(config.database), to: try Database(target)) { table, rows in
                say("  \(table): \(rows) rows")
            }
            let total = report.tables.reduce(0) { $0 + $1.rows }
            say("done: \(total) rows in \(report.tables.count) tables, every count checked.")
            say(
                "Now set `database` in \(config.sourcePath) to that URI (a password goes in a file named by "
                    + "`database_password_file`) and start the web server and workers again.")
        } catch let error as StoreError {
            throw CommandFailure(message: "nothing was copied: \(error.message)")
        }
    }

    static let demoAgents = [
        Agent(uuid: "5d0f8a2c-6b1e-4f37-9a58-2c7d41e0b9a1", name: "Support Line"),
        Agent(uuid: "9b3e6c14-2d7a-4e85-b0f2-71a4c8d35e62", name: "Sales Qualifier"),
        Agent(uuid: "e4a7d2b9-0c56-4f1e-8b3a-6d29f0c18e75", name: "Appointment Booker"),
    ]

    /// More groups than the documented conversation events, so the grouped picker and the
    /// catalogue show what they are for.
    static let demoEvents = [
        EventType(
            name: "agent.updated", description: "An agent's configuration changed: prompt, voice, tools or phone numbers.",
            sampleData: #"{"agent_uuid":"5d0f8a2c-6b1e-4f37-9a58-2c7d41e0b9a1","agent_name":"Support Line","changed":["prompt","voice"]}"#),
        EventType(
            name: "agent.deleted", description: "An agent was deleted; its conversations stay in the history.",
            sampleData: #"{"agent_uuid":"5d0f8a2c-6b1e-4f37-9a58-2c7d41e0b9a1","agent_name":"Support Line"}"#),
        EventType(
            name: "campaign.started", description: "An outbound campaign began calling its contacts.",
            sampleData: #"{"campaign_uuid":"0b8e4d1c-7a2f-4e93-8c5d-3f6a1b2c9d40","name":"Spring reminders","contacts":120}"#),
        EventType(
            name: "campaign.completed", description: "An outbound campaign finished: how many contacts were reached.",
            sampleData:
                #"{"campaign_uuid":"0b8e4d1c-7a2f-4e93-8c5d-3f6a1b2c9d40","name":"Spring reminders","contacts":120,"reached":97,"failed":23}"#
        ),
    ]

    static func demo(_ config: Configuration) throws {
        let opened = try open(config)
        let catalog = opened.catalog
        let store = opened.subscriptions
        for agent in demoAgents { _ = try catalog.upsertAgent(agent) }
        _ = try catalog.importEventTypes(demoEvents)
        guard try store.count() == 0 else {
            say("demo agents ready; the database already has webhooks, so no demo webhooks were added")
            return
        }
        try catalog.setOrganization(name: "Acme Support", uuid: nil)
        let now = Timestamp.now()
        let drafts = [
            SubscriptionDraft(
                name: "CRM sync", url: "https://crm.example.com/hooks/hookline", active: true, signatureScheme: .hookline,
                eventTypes: ["conversation.ended", "conversation.analysis.completed"], agentUUIDs: []),
            SubscriptionDraft(
                name: "Sales alerts", url: "https://alerts.example.net/webhooks/sales", active: true, signatureScheme: .standardWebhooks,
                eventTypes: ["conversation.started"], agentUUIDs: [demoAgents[1].uuid]),
            SubscriptionDraft(
                name: "Analytics warehouse", url: "https://ingest.example.org/v1/events", active: false, signatureScheme: .hookline,
                eventTypes: ["conversation.started", "conversation.ended", "conversation.analysis.completed"],
                agentUUIDs: [demoAgents[0].uuid, demoAgents[2].uuid]),
        ]
        for (index, draft) in drafts.enumerated() {
            let secret = index == 2 ? nil : try SigningSecret.generate()
            _ = try store.create(draft, secret: secret, creationToken: nil, revealBinding: nil, actor: "hookline demo", now: now)
        }
        say("demo data ready: \(demoAgents.count) agents, \(drafts.count) webhooks, organization “Acme Support”")
    }

    static func organization(_ config: Configuration, _ args: [String]) throws {
        guard args.first == "set", args.count == 2 || args.count == 3 else {
            throw CommandFailure(message: "usage: hookline organization set NAME [UUID]", status: 2)
        }
        let name = args[1].trimmingWhitespace
        guard !name.isEmpty, name.count <= 200 else { throw CommandFailure(message: "the organization name must be 1–200 characters") }
        if args.count == 3, !Identifier.isUUID(args[2]) { throw CommandFailure(message: "“\(args[2])” is not a UUID") }
        try open(config).catalog.setOrganization(name: name, uuid: args.count == 3 ? args[2].lowercased() : nil)
        say("organization: \(name)")
    }

    static func agents(_ config: Configuration, _ args: [String]) throws {
        switch args.first {
        case "add":
            guard args.count == 3 else { throw CommandFailure(message: "usage: hookline agents add UUID NAME", status: 2) }
            let catalog = try open(config).catalog
            do {
                let isNew = try catalog.upsertAgent(Agent(uuid: args[1], name: args[2]))
                say("\(isNew ? "added" : "renamed") agent \(args[2].trimmingWhitespace) (\(args[1].lowercased()))")
            } catch let error as StoreError { throw CommandFailure(message: error.message) }
        case "list":
            let agents = try open(config).catalog.agents()
            if agents.isEmpty { say("no agents yet — add one with: hookline agents add UUID NAME") }
            for agent in agents { say("\(agent.uuid)  \(DisplayText.terminalSafe(agent.name))") }
        case "import":
            guard args.count == 2 else { throw CommandFailure(message: "usage: hookline agents import FILE", status: 2) }
            let agents = try AccountImport.agents(fromFile: args[1])
            let added = try open(config).catalog.importAgents(agents)
            say("imported \(agents.count) agents (\(added) new, \(agents.count - added) updated)")
        default:
            throw CommandFailure(message: "usage: hookline agents add UUID NAME | list | import FILE", status: 2)
        }
    }

    static func events(_ config: Configuration, _ args: [String]) throws {
        switch args.first {
        case "list":
            var group = ""
            for event in try open(config).catalog.eventTypes() {
                if event.group != group {
                    group = event.group
                    say(DisplayText.terminalSafe(group))
                }
                say("  \(event.name)  \(DisplayText.terminalSafe(event.description))")
            }
        case "import":
            guard args.count == 2 else { throw CommandFailure(message: "usage: hookline events import FILE", status: 2) }
            let events = try AccountImport.events(fromFile: args[1])
            let added = try open(config).catalog.importEventTypes(events)
            say("imported \(events.count) event types (\(added) new, \(events.count - added) updated)")
        default:
            throw CommandFailure(message: "usage: hookline events list | import FILE", status: 2)
        }
    }
}

/// Reading agent and event import files, with errors that name the file and the entry.
enum AccountImport {
    static func text(ofFile path: String) throws -> String {
        let bytes: [UInt8]
        do { bytes = try FileIO.read(path: path) } catch { throw CommandFailure(message: error.message) }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw CommandFailure(message: "\(path) is not UTF-8 text") }
        return text
    }

    static func json(ofFile path: String) throws -> JSONValue {
        do { return try JSONValue(parsing: try text(ofFile: path)) } catch let error as JSONParseError {
            throw CommandFailure(message: "\(path) is not valid JSON: \(error)")
        }
    }

    static func agents(fromFile path: String) throws -> [Agent] {
        let text = try text(ofFile: path)
        var agents: [Agent] = []
        if text.trimmingWhitespace.hasPrefix("[") {
            guard case .array(let items) = try json(ofFile: path) else { throw CommandFailure(message: "\(path): expected a JSON array") }
            for (index, item) in items.enumerated() {
                guard let uuid = item["uuid"]?.stringValue, let name = item["name"]?.stringValue else {
                    throw CommandFailure(message: "\(path): entry \(index + 1) needs string fields \"uuid\" and \"name\"")
                }
                agents.append(Agent(uuid: uuid, name: name))
            }
        } else {
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let trimmed = line.trimmingWhitespace
                if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.lowercased() == "uuid,name" { continue }
                let parts = trimmed.split(separator: ",", maxSplits: 1)
                guard parts.count == 2 else {
                    throw CommandFailure(message: "\(path):\(number + 1): expected `uuid,name`")
                }
                agents.append(Agent(uuid: parts[0].trimmingWhitespace, name: parts[1].trimmingWhitespace))
            }
        }
        for (index, agent) in agents.enumerated() {
            guard Identifier.isUUID(agent.uuid) else {
                throw CommandFailure(message: "\(path): entry \(index + 1): “\(agent.uuid)” is not a UUID")
            }
            let name = agent.name.trimmingWhitespace
            guard !name.isEmpty, name.count <= 200 else {
                throw CommandFailure(message: "\(path): entry \(index + 1): the agent name must be 1–200 characters")
            }
        }
        return agents
    }

    static func events(fromFile path: String) throws -> [EventType] {
        guard case .array(let items) = try json(ofFile: path) else {
            throw CommandFailure(message: "\(path): expected a JSON array of event types")
        }
        var events: [EventType] = []
        for (index, item) in items.enumerated() {
            guard let name = item["name"]?.stringValue else {
                throw CommandFailure(message: "\(path): entry \(index + 1) needs a string field \"name\"")
            }
            guard EventType.isValidName(name) else {
                throw CommandFailure(
                    message: "\(path): entry \(index + 1): “\(name)” is not a valid event type (lowercase words joined by dots)")
            }
            let sample = item["sample_data"] ?? .object([])
            guard case .object = sample else {
                throw CommandFailure(message: "\(path): entry \(index + 1): \"sample_data\" must be a JSON object")
            }
            events.append(
                EventType(
                    name: name, group: item["group"]?.stringValue, description: item["description"]?.stringValue ?? "",
                    sampleData: sample.serialized()))
        }
        return events
    }
}
