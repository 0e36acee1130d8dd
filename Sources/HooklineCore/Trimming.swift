/// Whitespace trimming without Foundation: the one implementation every module uses (form
/// fields, config lines, cookies, received headers, template tags).
extension StringProtocol {
    /// The text without leading and trailing Unicode whitespace (spaces, tabs, line breaks,
    /// no-break spaces, …).
    ///
    /// ASCII blanks at the edges are skipped byte by byte; only when a non-ASCII character is
    /// left at an edge are the Unicode tables consulted. Most text (tags such as `{{ name }}`,
    /// headers, config lines) never gets there, which is what makes this cheap enough to run
    /// on every template tag of every request.
    public var trimmingWhitespace: String {
        let text = String(self)
        let bytes = text.utf8
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, Self.isASCIIWhitespace(bytes[start]) { start = bytes.index(after: start) }
        while start < end {
            let before = bytes.index(before: end)
            guard Self.isASCIIWhitespace(bytes[before]) else { break }
            end = before
        }
        guard start < end else { return "" }
        let first = bytes[start]
        let last = bytes[bytes.index(before: end)]
        let trimmed = String(Substring(bytes[start..<end]))
        if first < 0x80 && last < 0x80 {
            return trimmed
        }
        let scalars = trimmed.unicodeScalars
        guard let from = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let to = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[from...to])
        return String(out)
    }

    private static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }
}
