import HooklineCore

/// Builds the request header lines handed to curl (`CURLOPT_HTTPHEADER`).
enum HeaderList {
    /// The caller's headers in order, then `Content-Type: application/json` and `User-Agent`
    /// unless present, then `Expect:` and `Accept:`, which stop curl from sending its own
    /// `Expect: 100-continue` and `Accept: */*` (a webhook's answer is not read for its type, and
    /// every header line costs the receiver time).
    /// Fails for a name that is not an HTTP token or a value containing CR, LF or NUL.
    static func lines(
        for headers: [(name: String, value: String)],
        userAgent: String
    ) -> Result<[String], DeliveryFailure> {
        var lines: [String] = []
        lines.reserveCapacity(headers.count + 4)
        var hasContentType = false
        var hasUserAgent = false
        var hasExpect = false
        var hasAccept = false
        for (name, value) in headers {
            guard isToken(name) else {
                return .failure(.other("the header name \"\(name)\" is not a valid HTTP header name"))
            }
            guard !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                return .failure(.other("the value of header \(name) contains a line break or NUL byte"))
            }
            hasContentType = hasContentType || isNamed(name, "content-type")
            hasUserAgent = hasUserAgent || isNamed(name, "user-agent")
            hasExpect = hasExpect || isNamed(name, "expect")
            hasAccept = hasAccept || isNamed(name, "accept")
            // curl drops "Name:" with nothing after it; "Name;" sends an empty value.
            let trimmed = value.trimmingWhitespace
            lines.append(trimmed.isEmpty ? name + ";" : name + ": " + trimmed)
        }
        if !hasContentType { lines.append("Content-Type: application/json") }
        if !hasUserAgent { lines.append("User-Agent: " + userAgent) }
        if !hasExpect { lines.append("Expect:") }
        if !hasAccept { lines.append("Accept:") }
        return .success(lines)
    }

    /// Whether the header name `name` is `lowercased` (ASCII, case-insensitively).
    private static func isNamed(_ name: String, _ lowercased: String) -> Bool {
        name.utf8.elementsEqual(lowercased.utf8) { byte, lower in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 == lower : byte == lower
        }
    }

    /// RFC 9110 token: visible ASCII except separators.
    private static func isToken(_ name: String) -> Bool {
        !name.isEmpty
            && name.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                    UInt8(ascii: "A")...UInt8(ascii: "Z"):
                    true
                default:
                    "!#$%&'*+-.^_`|~".utf8.contains(byte)
                }
            }
    }
}
