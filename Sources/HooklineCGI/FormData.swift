/// Decoded `name=value` pairs from a query string or an `application/x-www-form-urlencoded` body.
///
/// Order and repetition are kept: repeated fields (`events=a&events=b`) are how multi-selects
/// arrive, and a field sent twice where one is expected is something callers must be able to see.
public struct FormData: Sendable, Equatable {
    public private(set) var pairs: [(name: String, value: String)]

    public init(pairs: [(name: String, value: String)] = []) {
        self.pairs = pairs
    }

    /// Parses `a=1&b=two+words&c=%26`. `+` is a space; a malformed escape or invalid UTF-8 throws.
    public init(urlEncoded text: String) throws(FormDataError) {
        var pairs: [(name: String, value: String)] = []
        for part in text.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let bytes = Array(part)
            if let eq = bytes.firstIndex(of: UInt8(ascii: "=")) {
                pairs.append((try Self.decode(bytes[..<eq]), try Self.decode(bytes[(eq + 1)...])))
            } else {
                pairs.append((try Self.decode(bytes[...]), ""))
            }
        }
        self.pairs = pairs
    }

    public static func == (lhs: FormData, rhs: FormData) -> Bool {
        lhs.pairs.map { "\($0.name)=\($0.value)" } == rhs.pairs.map { "\($0.name)=\($0.value)" }
    }

    /// The first value sent for `name`, if any.
    public subscript(name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    /// Every value sent for `name`, in order.
    public func all(_ name: String) -> [String] {
        pairs.filter { $0.name == name }.map(\.value)
    }

    /// How many times `name` was sent.
    public func count(_ name: String) -> Int {
        pairs.reduce(0) { $0 + ($1.name == name ? 1 : 0) }
    }

    public mutating func append(_ name: String, _ value: String) {
        pairs.append((name, value))
    }

    /// Encodes back to `a=1&b=two+words`, for links that keep a view's filters.
    public var urlEncoded: String {
        pairs.map { Self.encode($0.name) + "=" + Self.encode($0.value) }.joined(separator: "&")
    }

    /// Percent-encodes a query component (`html_url_arg` in cgit's terms): unreserved bytes pass,
    /// a space becomes `+`, everything else `%XX`.
    public static func encode(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
                UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(byte)
            case UInt8(ascii: " "):
                out.append(UInt8(ascii: "+"))
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ bytes: ArraySlice<UInt8>) throws(FormDataError) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex,
                    let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
                else { throw .malformedEscape }
                out.append(high << 4 | low)
                index += 2
            } else {
                out.append(byte)
            }
            index += 1
        }
        guard let text = String(validating: out, as: UTF8.self) else { throw .invalidUTF8 }
        guard !text.unicodeScalars.contains(where: { $0.value == 0 }) else { throw .nulByte }
        return text
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// Why a query string or form body could not be decoded.
public enum FormDataError: Error, Sendable, CustomStringConvertible {
    case malformedEscape, invalidUTF8, nulByte

    public var description: String {
        switch self {
        case .malformedEscape: "it contains a malformed %-escape"
        case .invalidUTF8: "it is not valid UTF-8"
        case .nulByte: "it contains a NUL character"
        }
    }
}
