/// Request headers as a receiver got them, looked up by case-insensitive name.
struct ReceivedHeaders {
    private let entries: [(name: String, value: String)]

    init(_ headers: [(String, String)]) {
        entries = headers.map { (Self.trimmed($0.0).lowercased(), $0.1) }
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

    /// `text` without leading and trailing spaces, tabs, CR and LF.
    static func trimmed(_ text: String) -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
        guard let start = text.firstIndex(where: { !isBlank($0) }),
            let end = text.lastIndex(where: { !isBlank($0) })
        else { return "" }
        return String(text[start...end])
    }
}
