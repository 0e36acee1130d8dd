import HooklineCGI
import HooklineSigning
import HooklineStore

#if canImport(Glibc)
    import Glibc
#endif

// `hookline`: the command-line side of Hookline (setup, account data, events, the worker).
let status = CommandLine.run(Array(CommandLine.arguments.dropFirst()))
exit(status)
