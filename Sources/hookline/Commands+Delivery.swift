import HooklineDispatch
import HooklineStore

#if canImport(Glibc)
    import Glibc
#endif

extension Commands {
    /// `hookline emit TYPE [--agent UUID] [--data JSON|@FILE] [--id EVENT_ID]`
    static func emit(_ config: Configuration, _ args: [String]) throws {
        var type: String? = nil
        var agentUUID: String? = nil
        var dataText: String? = nil
        var eventID: String? = nil
        var index = 0
        while index < args.count {
            let arg = args[index]
            func value() throws -> String {
                guard index + 1 < args.count else { throw CommandFailure(message: "\(arg) needs a value", status: 2) }
                index += 1
                return args[index]
            }
            switch arg {
            case "--agent": agentUUID = try value().lowercased()
            case "--data": dataText = try value()
            case "--id": eventID = try value()
            default:
                guard type == nil, !arg.hasPrefix("--") else { throw CommandFailure(message: "unexpected argument “\(arg)”", status: 2) }
                type = arg
            }
            index += 1
        }
        guard let type else {
            throw CommandFailure(message: "usage: hookline emit TYPE [--agent UUID] [--data JSON|@FILE] [--id EVENT_ID]", status: 2)
        }
        let store = try open(config)
        let catalog = store.catalog
        guard let event = try catalog.eventType(named: type) else {
            throw CommandFailure(message: "“\(type)” is not in the event catalogue (see `hookline events list`)")
        }
        var agent: Agent? = nil
        if let agentUUID {
            guard let found = try catalog.agent(uuid: agentUUID) else {
                throw CommandFailure(message: "“\(agentUUID)” is not an agent of this account (see `hookline agents list`)")
            }
            agent = found
        }
        var data: JSONValue
        if let dataText {
            let text = dataText.hasPrefix("@") ? try AccountImport.text(ofFile: String(dataText.dropFirst())) : dataText
            do { data = try JSONValue(parsing: text) } catch { throw CommandFailure(message: "--data is not valid JSON: \(error)") }
            guard case .object = data else { throw CommandFailure(message: "--data must be a JSON object") }
            if let agent {
                data.set("agent_uuid", .string(agent.uuid))
                data.set("agent_name", .string(agent.name))
            }
        } else {
            data = Envelope.sampleData(for: event, agent: agent)
        }
        let id = eventID ?? Identifier.uuid()
        guard !id.isEmpty, id.count <= 100 else { throw CommandFailure(message: "--id must be 1–100 characters") }
        let body = Envelope.build(
            eventID: id, eventType: event.name, createdMicroseconds: Timestamp.nowMicroseconds(),
            organization: try catalog.organization(), data: data)
        let count = try store.deliveries.emit(eventID: id, eventType: event.name, agentUUID: agent?.uuid, body: body, now: Timestamp.now())
        say("emitted \(event.name) \(id) to \(count) webhook\(count == 1 ? "" : "s")")
    }

    /// `hookline deliver [--once]`: the worker. `--once` attempts everything due now and exits.
    static func deliver(_ config: Configuration, _ args: [String]) throws {
        let once = args.contains("--once")
        if let unknown = args.first(where: { $0 != "--once" }) {
            throw CommandFailure(message: "unexpected argument “\(unknown)”; usage: hookline deliver [--once]", status: 2)
        }
        let dispatcher = Dispatcher(store: try open(config), config: config)
        var total = 0
        while true {
            let count = try dispatcher.runDue(now: Timestamp.now())
            total += count
            if count == 0 {
                if once { break }
                sleep(1)
            }
        }
        say("delivered \(total) attempt\(total == 1 ? "" : "s")")
    }
}
