import HooklineCore

/// Request headers as a receiver got them, looked up by case-insensitive name.
struct ReceivedHeaders {
    private let entries: [(name: String, value: String)]

    init(_ headers: [(String, String)]) {
        entries = headers.map { ($0.0.trimmingWhitespace.lowercased(), $0.1) }
    }

    func contains(_ name: String) -> Bool {
        let name = name.lowercased()
        return entries.contains { $0.name == name }
    }

    /// The value of the first header called `name`, untrimmed.
    func first(_ name: String) -> String? {
        let name = name.lowercased()
        return entries.first { $0.name == name }?.value
    }

    /// The values of every header called `name`, in order.
    func all(_ name: String) -> [String] {
        let name = name.lowercased()
        return entries.filter { $0.name == name }.map(\.value)
    }
}
