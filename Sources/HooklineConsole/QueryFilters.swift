import HooklineCGI
import HooklineCore

/// The filters of a bookmarkable list page (`?status=…&event=…`), read one way everywhere: each
/// given at most once, blank means absent, and anything that makes no sense is a 400 that says
/// what to send.
struct QueryFilters {
    let form: FormData

    /// The trimmed value of `name`, or nil when absent or blank.
    func single(_ name: String) throws -> String? {
        let values = form.all(name)
        guard values.count <= 1 else { throw Self.bad("The filter `\(name)` is given \(values.count) times; give it once.") }
        return values.first.map { $0.trimmingWhitespace }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A positive whole number (an id or a page).
    func positive(_ name: String, message: String? = nil) throws -> Int? {
        guard let text = try single(name) else { return nil }
        guard let value = Int(text), value > 0 else { throw Self.bad(message ?? "`\(name)` must be a positive number.") }
        return value
    }

    static func bad(_ message: String) -> PageFailure { .badRequest(message, title: "Bad filter") }
}
