/// What a tag names: the current loop item, a loop variable, or a dotted key path.
struct TemplatePath: Sendable {
    /// The loop variables `{{#each}}` provides.
    enum LoopVariable: String, Sendable {
        case index = "@index"
        case number = "@number"
        case first = "@first"
        case last = "@last"
    }

    enum Kind: Sendable {
        /// `.`: the innermost loop item (or the whole context outside loops).
        case current
        case loopVariable(LoopVariable)
        /// `a.b.c`: the first key is looked up through the scopes, the rest through dictionaries.
        case keys([String])
    }

    let kind: Kind
    /// The path as written, for error messages.
    let source: String

    /// Parses `.`, `@index`…, or `key(.key)*` where keys use ASCII letters, digits, `_` and `-`.
    init?(_ source: String) {
        if source == "." {
            (kind, self.source) = (.current, source)
        } else if source.hasPrefix("@") {
            guard let variable = LoopVariable(rawValue: source) else { return nil }
            (kind, self.source) = (.loopVariable(variable), source)
        } else {
            guard let path = TemplatePath(keyPath: ArraySlice(source.utf8)) else { return nil }
            self = path
        }
    }

    /// Parses `key(.key)*` from UTF-8 bytes, or nil when they are anything else.
    init?(keyPath bytes: ArraySlice<UInt8>) {
        var keys: [String] = []
        var segmentStart = bytes.startIndex
        for index in bytes.indices {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                guard index > segmentStart else { return nil }
                keys.append(String(decoding: bytes[segmentStart..<index], as: UTF8.self))
                segmentStart = index + 1
            } else if !Self.isKeyByte(byte) {
                return nil
            }
        }
        guard bytes.endIndex > segmentStart else { return nil }
        keys.append(String(decoding: bytes[segmentStart..<bytes.endIndex], as: UTF8.self))
        kind = .keys(keys)
        source = String(decoding: bytes, as: UTF8.self)
    }

    private static func isKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}
