/// Whitespace trimming without Foundation: the one implementation every module uses (form
/// fields, config lines, cookies, received headers, template tags).
extension StringProtocol {
    /// The text without leading and trailing Unicode whitespace (spaces, tabs, line breaks,
    /// no-break spaces, …).
    ///
    /// Text whose first and last characters are ASCII and not blank (most tags, headers, config
    /// lines) is returned at once; only other edges are looked up in the Unicode tables, which is
    /// what makes this cheap enough to run on every template tag of every request.
    public var trimmingWhitespace: String {
        guard let first = utf8.first, let last = last?.asciiValue ?? (self.last.map { _ in 0x80 }) else { return "" }
        if first < 0x80 && last < 0x80 && !Self.isASCIIWhitespace(first) && !Self.isASCIIWhitespace(last) {
            return String(self)
        }
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[start...end])
        return String(out)
    }

    private static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }
}
