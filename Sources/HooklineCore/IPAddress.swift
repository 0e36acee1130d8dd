import Glibc

/// An IPv4 or IPv6 address as raw network-order bytes.
///
/// Parsed and printed with the C library (`inet_pton`/`inet_ntop`), so the text forms are
/// exactly those the system accepts: dotted quads for IPv4, RFC 4291 forms (including
/// `::ffff:1.2.3.4`) for IPv6. Zone suffixes (`fe80::1%eth0`) are not accepted.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 bytes for IPv6, in network order.
    public let bytes: [UInt8]

    /// Whether this is an IPv4 address (4 bytes).
    public var isIPv4: Bool { bytes.count == 4 }

    /// Creates an address from 4 (IPv4) or 16 (IPv6) network-order bytes; nil for any other length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Parses `"192.0.2.1"`, `"2001:db8::1"` or `"::ffff:10.0.0.1"`; also accepts `"[::1]"`.
    public init?(_ text: String) {
        var text = text
        if text.hasPrefix("["), text.hasSuffix("]") {
            text = String(text.dropFirst().dropLast())
        }
        // inet_pton reads a C string: it would stop at a NUL and accept what comes before it.
        guard !text.utf8.contains(0) else { return nil }
        if text.contains(":") {
            var address = in6_addr()
            guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
            self.bytes = withUnsafeBytes(of: &address) { Array($0) }
        } else {
            var address = in_addr()
            guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
            self.bytes = withUnsafeBytes(of: &address) { Array($0) }
        }
    }

    /// The canonical text form (`inet_ntop`), e.g. `127.0.0.1` or `::ffff:10.0.0.1`.
    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let family = isIPv4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil
        }
        guard ok else { return bytes.map(String.init).joined(separator: ".") }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The address with a port, as `1.2.3.4:443` or `[2001:db8::1]:443`.
    public func description(port: Int) -> String {
        isIPv4 ? "\(description):\(port)" : "[\(description)]:\(port)"
    }
}
