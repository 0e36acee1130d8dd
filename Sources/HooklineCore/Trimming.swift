/// Whitespace trimming without Foundation: the one implementation every module uses (form
/// fields, config lines, cookies, received headers, template tags).
extension StringProtocol {
    /// The text without leading and trailing Unicode whitespace (spaces, tabs, line breaks,
    /// no-break spaces, …).
    public var trimmingWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[first...last])
        return String(out)
    }
}
