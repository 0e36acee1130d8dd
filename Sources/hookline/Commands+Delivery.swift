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

    static let deliverUsage = "usage: hookline deliver [--once] [--lease SECONDS] [--batch N]"

    /// `hookline deliver [--once] [--lease SECONDS] [--batch N]`: the worker. Any number may run
    /// at once (DESIGN §10): each batch is claimed for `--lease` seconds (default: connect timeout
    /// + timeout + 31 s; never shorter than one attempt) so no other worker sends it. A round
    /// claims up to 10 batches of `--batch` (default 100), each as soon as the previous one is
    /// on its way, and sends up to `--batch` at once. `--once` attempts everything due now and
    /// exits. Without it a failing round (say, the database is
    /// busy for longer than its timeout) is reported and retried; its claims expire on their own.
    /// After each round the worker deletes what `delivery_retention` lets go (in small batches)
    /// and tells the operator about failing subscriptions (DESIGN §9).
    static func deliver(_ config: Configuration, _ args: [String]) throws {
        var once = false
        var lease = Dispatcher.defaultLease(for: config)
        var batch = 100
        var index = 0
        while index < args.count {
            let arg = args[index]
            func number(_ range: ClosedRange<Int>) throws -> Int {
                guard index + 1 < args.count else { throw CommandFailure(message: "\(arg) needs a value; \(deliverUsage)", status: 2) }
                index += 1
                guard let value = Int(args[index]), range.contains(value) else {
                    throw CommandFailure(
                        message: "\(arg) must be a whole number from \(range.lowerBound) to \(range.upperBound), not “\(args[index])”",
                        status: 2)
                }
                return value
            }
            switch arg {
            case "--once": once = true
            case "--lease":
                let minimum = Dispatcher.minimumLease(for: config)
                lease = try number(1...86_400)
                guard lease >= minimum else {
                    throw CommandFailure(
                        message:
                            "--lease \(lease) is shorter than one attempt may take (connect_timeout + timeout): use at least \(minimum)",
                        status: 2)
                }
            case "--batch": batch = try number(1...1000)
            default: throw CommandFailure(message: "unexpected argument “\(arg)”; \(deliverUsage)", status: 2)
            }
            index += 1
        }
        let dispatcher = Dispatcher(store: try open(config), config: config)
        var total = 0
        while true {
            let count: Int
            do {
                count = try dispatcher.runDue(now: Timestamp.now(), limit: batch, lease: lease, batches: 10)
                try dispatcher.maintain(now: Timestamp.now())
            } catch {
                if once { throw error }
                CommandLine.write("hookline deliver: \(error); trying again in 1 s\n", to: 2)
                sleep(1)
                continue
            }
            total += count
            if count == 0 {
                if once { break }
                sleep(1)
            }
        }
        dispatcher.notifier.finish()
        say("delivered \(total) attempt\(total == 1 ? "" : "s")")
    }
}
