/// HTML escaping that is safe both in element text and in quoted attribute values.
enum HTMLEscaping {
    /// Appends the UTF-8 of `text` to `output` with `& < > " '` replaced by entities.
    ///
    /// Copies runs of safe bytes in one go; every special character is ASCII, so a multi-byte
    /// character is never split.
    static func append(_ text: String, to output: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            var runStart = 0
            for index in 0..<bytes.count {
                let entity: StaticString
                switch bytes[index] {
                case UInt8(ascii: "&"): entity = "&amp;"
                case UInt8(ascii: "<"): entity = "&lt;"
                case UInt8(ascii: ">"): entity = "&gt;"
                case UInt8(ascii: "\""): entity = "&quot;"
                case UInt8(ascii: "'"): entity = "&#39;"
                // NUL is a parse error in HTML; show it as the replacement character browsers use.
                case 0: entity = "&#xFFFD;"
                default: continue
                }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                entity.withUTF8Buffer { output.append(contentsOf: $0) }
                runStart = index + 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
    }
}

/// Escaping for the rare markup built outside templates (error pages that must render even when
/// the templates cannot be loaded). Same rules as `{{ value }}`.
public enum HTMLText {
    public static func escape(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        HTMLEscaping.append(text, to: &output)
        return String(decoding: output, as: UTF8.self)
    }
}
