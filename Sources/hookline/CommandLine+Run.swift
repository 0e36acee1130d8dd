import HooklineCGI
import HooklineCore
import HooklineSigning
import HooklineStore

#if canImport(Glibc)
    import Glibc
#endif

/// A usage or runtime problem, printed as `hookline: <message>` with exit status 1 (2 for usage).
struct CommandFailure: Error {
    let message: String
    var status: Int32 = 1
}

extension CommandLine {
    static let usage = """
        usage: hookline [--config PATH] <command> [arguments]
               hookline --version

        Commands:
          init                         create or upgrade the database (never drops data)
          demo                         seed demo agents and webhooks into an empty database
          organization set NAME [UUID] name the organization sent in every envelope
          agents add UUID NAME         add or rename an agent
          agents list                  list agents
          agents import FILE           import agents from CSV (uuid,name per line) or JSON [{"uuid","name"}]
          events list                  list the event catalogue
          events import FILE           import event types from JSON [{"name","description","sample_data"}]
          emit TYPE [--agent UUID] [--data JSON|@FILE] [--id EVENT_ID]
                                       emit an event to every matching active webhook
          emit --batch                 emit newline-delimited JSON events from stdin
                                       ({"event_type","event_id"?,"agent_uuid"?,"data"?} per line)
          tokens create NAME --scope ingest|admin|metrics
                                       make an API token (printed once)
          tokens list | revoke NAME    list API tokens (never their value) | revoke one
          deliver [--once] [--lease SECONDS] [--batch N]
                                       deliver due events (worker; any number may run at once,
                                       each claims a batch for the lease); --once drains and exits
          migrate --to postgresql://… [--password-file FILE]
                                       copy this SQLite database into an empty PostgreSQL one
          verify --secret S|--secret-file F --headers FILE --body FILE|- [--tolerance SECONDS]
                                       check a received request's signature

        The config file comes from --config, else HOOKLINE_CONFIG, else /etc/hookline/hookline.conf.
        """

    static func run(_ arguments: [String]) -> Int32 {
        var args = arguments
        var configArgument: String? = nil
        if let index = args.firstIndex(where: { $0 == "--config" || $0.hasPrefix("--config=") }) {
            if args[index].hasPrefix("--config=") {
                configArgument = String(args[index].dropFirst("--config=".count))
                args.remove(at: index)
            } else {
                guard index + 1 < args.count else { return fail(CommandFailure(message: "--config needs a path", status: 2)) }
                configArgument = args[index + 1]
                args.removeSubrange(index...index + 1)
            }
        }
        guard let command = args.first else {
            write(usage + "\n", to: 2)
            return 2
        }
        let rest = Array(args.dropFirst())
        if command == "verify" {
            let result = VerifyCommand.run(arguments: rest, readStdin: { (try? FileContents.readAll(descriptor: 0).get()) ?? [] })
            write(result.output, to: result.exitCode == 0 ? 1 : (result.exitCode == 1 ? 1 : 2))
            return result.exitCode
        }
        if command == "--version" || command == "version" {
            write("hookline \(Hookline.version)\n", to: 1)
            return 0
        }
        if command == "--help" || command == "-h" || command == "help" {
            write(usage + "\n", to: 1)
            return 0
        }
        do {
            let path = Configuration.path(argument: configArgument, environment: getenv("HOOKLINE_CONFIG").map { String(cString: $0) })
            let config: Configuration
            do { config = try Configuration.load(path: path) } catch {
                throw CommandFailure(message: "cannot use the configuration: \(error.description)")
            }
            switch command {
            case "init": try Commands.initialize(config)
            case "demo": try Commands.demo(config)
            case "organization": try Commands.organization(config, rest)
            case "agents": try Commands.agents(config, rest)
            case "events": try Commands.events(config, rest)
            case "emit" where rest == ["--batch"]: try Commands.emitBatch(config)
            case "emit": try Commands.emit(config, rest)
            case "tokens": try Commands.tokens(config, rest)
            case "deliver": try Commands.deliver(config, rest)
            case "migrate": try Commands.migrate(config, rest)
            default: throw CommandFailure(message: "unknown command “\(command)”\n\n" + usage, status: 2)
            }
            return 0
        } catch let failure as CommandFailure {
            return fail(failure)
        } catch {
            return fail(CommandFailure(message: "\(error)"))
        }
    }

    static func fail(_ failure: CommandFailure) -> Int32 {
        write("hookline: \(failure.message)\n", to: 2)
        return failure.status
    }

    static func write(_ text: String, to fd: Int32) {
        CGIProcess.write(Array(text.utf8), to: fd)
    }
}
