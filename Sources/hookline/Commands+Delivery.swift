import HooklineStore
extension Commands {
    static func emit(_ config: Configuration, _ args: [String]) throws { throw CommandFailure(message: "emit: not yet") }
    static func deliver(_ config: Configuration, _ args: [String]) throws { throw CommandFailure(message: "deliver: not yet") }
}
