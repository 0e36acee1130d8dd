/// Rules for text that people read in the console and the terminal: webhook names, agent names,
/// event descriptions. One place, so the form, the imports and the API refuse the same things.
///
/// Characters are what the reader sees (grapheme clusters); the scalar and byte limits stop a
/// name that looks short from carrying thousands of combining marks. Control characters, line
/// and paragraph separators and invisible format characters (bidi overrides and isolates,
/// soft hyphens, byte-order marks …) are refused: they let text display as something it is not.
/// Zero-width (non-)joiners stay allowed, since emoji sequences and several scripts need them.
public enum DisplayText {
    public enum Problem: Error, Sendable, Equatable {
        case empty
        case tooLong(characters: Int, maximum: Int)
        /// Fine-looking but too heavy: too many scalars or bytes behind the visible characters.
        case tooHeavy
        case invisibleCharacter(UInt32)

        /// The message for `field` ("The name", "An agent name", …).
        public func message(_ field: String) -> String {
            switch self {
            case .empty: "\(field) is empty."
            case .tooLong(let characters, let maximum): "\(field) is \(characters) characters; use at most \(maximum)."
            case .tooHeavy: "\(field) carries too many combining marks or other invisible parts; shorten it."
            case .invisibleCharacter(let value):
                "\(field) contains an invisible or control character (U+\(String(value, radix: 16, uppercase: true).leftPadded(to: 4))); remove it."
            }
        }
    }

    /// Nil when `text` is acceptable as a name of at most `maximum` characters.
    public static func problem(_ text: String, maximum: Int) -> Problem? {
        if text.isEmpty { return .empty }
        if let bad = text.unicodeScalars.first(where: isInvisible) { return .invisibleCharacter(bad.value) }
        let characters = text.count
        if characters > maximum { return .tooLong(characters: characters, maximum: maximum) }
        if text.unicodeScalars.count > 2 * maximum || text.utf8.count > 4 * maximum { return .tooHeavy }
        return nil
    }

    /// Control (Cc), format (Cf, but the zero-width joiners), line and paragraph separators.
    public static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: return true
        case .format: return scalar.value != 0x200C && scalar.value != 0x200D
        default: return false
        }
    }

    /// `text` safe to print on a terminal: control and invisible characters written as `\u{…}`.
    public static func terminalSafe(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if isInvisible(scalar) {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
