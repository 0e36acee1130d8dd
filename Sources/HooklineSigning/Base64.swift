/// Standard Base64 (RFC 4648 §4: alphabet `A–Z a–z 0–9 + /`, `=` padding).
///
/// Used for `whsec_` secrets and Standard Webhooks signatures. Not the URL-safe variant.
public enum Base64 {
    private static let alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Maps an ASCII byte to its 6-bit value; 0xFF marks bytes outside the alphabet.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, character) in alphabet.enumerated() {
            table[Int(character)] = UInt8(index)
        }
        return table
    }()

    /// Returns `bytes` as padded standard Base64.
    public static func encode(_ bytes: [UInt8]) -> String {
        var text: [UInt8] = []
        text.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let remaining = bytes.count - index
            let first = bytes[index]
            let second = remaining > 1 ? bytes[index + 1] : 0
            let third = remaining > 2 ? bytes[index + 2] : 0
            text.append(alphabet[Int(first >> 2)])
            text.append(alphabet[Int((first & 0x03) << 4 | second >> 4)])
            text.append(remaining > 1 ? alphabet[Int((second & 0x0f) << 2 | third >> 6)] : UInt8(ascii: "="))
            text.append(remaining > 2 ? alphabet[Int(third & 0x3f)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Decodes padded standard Base64.
    ///
    /// Strict: returns `nil` unless the length is a multiple of 4, every character is in the
    /// alphabet, `=` appears only as one or two final padding characters, and the unused bits
    /// before the padding are zero. Whitespace is not skipped.
    public static func decode(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 4 == 0 else { return nil }
        var padding = 0
        if characters.last == UInt8(ascii: "=") { padding += 1 }
        if characters.count >= 2 && characters[characters.count - 2] == UInt8(ascii: "=") { padding += 1 }

        var bytes: [UInt8] = []
        bytes.reserveCapacity(characters.count / 4 * 3)
        var index = 0
        while index < characters.count {
            let isLastGroup = index + 4 == characters.count
            let significant = isLastGroup ? 4 - padding : 4
            var group: UInt32 = 0
            for offset in 0..<4 {
                var sextet: UInt8 = 0
                if offset < significant {
                    sextet = values[Int(characters[index + offset])]
                    if sextet == 0xFF { return nil }
                }
                group = group << 6 | UInt32(sextet)
            }
            bytes.append(UInt8(truncatingIfNeeded: group >> 16))
            if significant > 2 { bytes.append(UInt8(truncatingIfNeeded: group >> 8)) }
            if significant > 3 { bytes.append(UInt8(truncatingIfNeeded: group)) }
            // Reject non-canonical encodings whose discarded bits are set ("QR==" for "A").
            if significant == 2 && group & 0xFFFF != 0 { return nil }
            if significant == 3 && group & 0xFF != 0 { return nil }
            index += 4
        }
        return bytes
    }
}
