import HooklineCore
import HooklineStore

#if canImport(Glibc)
    import Glibc
#endif

extension Commands {
    /// `hookline tokens create NAME --scope ingest|admin|metrics | list | revoke NAME`
    static func tokens(_ config: Configuration, _ args: [String]) throws {
        let usage = "usage: hookline tokens create NAME --scope ingest|admin|metrics | list | revoke NAME"
        let actor = "cli:" + (getenv("USER").map { String(cString: $0) } ?? "unknown")
        switch args.first {
        case "create":
            var name: String? = nil
            var scope: TokenScope? = nil
            var index = 1
            while index < args.count {
                if args[index] == "--scope" || args[index].hasPrefix("--scope=") {
                    let value: String
                    if args[index].hasPrefix("--scope=") {
                        value = String(args[index].dropFirst("--scope=".count))
                    } else {
                        guard index + 1 < args.count else { throw CommandFailure(message: "--scope needs a value", status: 2) }
                        index += 1
                        value = args[index]
                    }
                    guard let parsed = TokenScope(rawValue: value) else {
                        throw CommandFailure(message: "unknown scope “\(value)”; use ingest, admin or metrics", status: 2)
                    }
                    scope = parsed
                } else if name == nil, !args[index].hasPrefix("--") {
                    name = args[index]
                } else {
                    throw CommandFailure(message: "unexpected argument “\(args[index])”\n\(usage)", status: 2)
                }
                index += 1
            }
            guard let name, let scope else { throw CommandFailure(message: usage, status: 2) }
            do {
                let made = try open(config).tokens.create(name: name, scope: scope, actor: actor, now: Timestamp.now())
                CommandLine.write(
                    "created token “\(DisplayText.terminalSafe(made.stored.name))” (scope \(scope.rawValue)); it is shown only now:\n",
                    to: 2)
                say(made.token)
            } catch let error as TokenError {
                throw CommandFailure(message: error.description)
            }
        case "list":
            guard args.count == 1 else { throw CommandFailure(message: usage, status: 2) }
            let tokens = try open(config).tokens.list()
            if tokens.isEmpty { say("no tokens yet — make one with: hookline tokens create NAME --scope ingest") }
            for token in tokens {
                let used = token.lastUsedAt.map { "last used \(Timestamp.iso($0))" } ?? "never used"
                let state = token.revokedAt.map { "revoked \(Timestamp.iso($0))" } ?? "active"
                say(
                    "\(DisplayText.terminalSafe(token.name))  \(token.scope.rawValue)  \(state)  created \(Timestamp.iso(token.createdAt)) by \(DisplayText.terminalSafe(token.createdBy))  \(used)"
                )
            }
        case "revoke":
            guard args.count == 2 else { throw CommandFailure(message: usage, status: 2) }
            do {
                try open(config).tokens.revoke(name: args[1], actor: actor, now: Timestamp.now())
                say("revoked token “\(DisplayText.terminalSafe(args[1].trimmingWhitespace))”")
            } catch let error as TokenError {
                throw CommandFailure(message: error.description)
            }
        default:
            throw CommandFailure(message: usage, status: 2)
        }
    }

    /// `hookline emit --batch`: newline-delimited JSON events on stdin, each
    /// `{"event_type", "event_id"?, "agent_uuid"?, "data"?}` as for the API's `POST /events`.
    /// Every line is checked first (nothing is stored if one is faulty); then the events are
    /// stored and fanned out in transactions of up to 1,000.
    static func emitBatch(_ config: Configuration) throws {
        let input = readAllStdin()
        guard let text = String(validating: input, as: UTF8.self) else { throw CommandFailure(message: "stdin is not UTF-8 text") }
        let store = try open(config)
        let catalog = store.catalog
        var catalogue: [String: EventType] = [:]
        for type in try catalog.eventTypes() { catalogue[type.name] = type }
        var agents: [String: Agent] = [:]
        for agent in try catalog.agents() { agents[agent.uuid] = agent }
        let organization = try catalog.organization()
        var errors: [String: [String]] = [:]
        var prepared: [PreparedEvent] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingWhitespace
            if trimmed.isEmpty { continue }
            let value: JSONValue
            do { value = try JSONValue(parsing: trimmed) } catch {
                errors["line \(number + 1)", default: []].append("not valid JSON: \(error.description)")
                continue
            }
            if let event = EventIngestion.prepare(
                value, catalogue: catalogue, agents: agents, organization: organization, path: "line \(number + 1): ",
                errors: &errors, nowMicroseconds: Timestamp.nowMicroseconds())
            {
                prepared.append(event)
            }
        }
        guard errors.isEmpty else {
            let lines = errors.keys.sorted { a, b in a.utf8.count != b.utf8.count ? a.utf8.count < b.utf8.count : a < b }.prefix(50)
                .map { "  \($0): \(errors[$0, default: []].joined(separator: " "))" }
            throw CommandFailure(message: "nothing was stored; fix these lines:\n" + lines.joined(separator: "\n"))
        }
        var total = IngestResult()
        var start = 0
        while start < prepared.count {
            let chunk = Array(prepared[start..<min(start + EventIngestion.maximumBatch, prepared.count)])
            let result = try store.deliveries.ingest(chunk, now: Timestamp.now())
            total.accepted += result.accepted
            total.duplicates += result.duplicates
            total.deliveries += result.deliveries
            start += chunk.count
        }
        say("emitted \(total.accepted) events (\(total.duplicates) duplicates) to \(total.deliveries) deliveries")
    }

    static func readAllStdin() -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, 65536) }
            if n > 0 {
                out.append(contentsOf: chunk[0..<n])
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                return out
            }
        }
    }
}
