import HooklineCore

/// Decides whether Hookline may connect to an address (DESIGN §5: no loopback, private,
/// link-local, CGNAT, unique-local or other non-public targets unless allow-listed).
///
/// The check runs on the socket address curl is about to connect to (see ``DeliveryClient``),
/// so DNS answers, `localhost` and rebinding tricks are all judged by the address actually used.
public enum AddressSafety {
    /// Classifies a socket address: nil if Hookline may connect to it, otherwise the reason,
    /// worded to follow "Blocked: ", e.g. `"127.0.0.1 is a loopback address"`.
    ///
    /// IPv6 forms that carry an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible
    /// `::a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`, 6to4 `2002:AABB:CCDD::/48`) are judged by the
    /// embedded IPv4 address. A range in `allowed` overrides any block; an IPv4 range in
    /// `allowed` also covers the IPv6 forms that embed an address inside it.
    public static func blockReason(for address: IPAddress, allowed: [IPRange]) -> String? {
        if allowed.contains(where: { $0.contains(address) }) { return nil }
        if address.isIPv4 {
            guard let category = category(of: address, in: blockedIPv4) else { return nil }
            return "\(address) is \(category)"
        }
        if let category = category(of: address, in: blockedIPv6Exact) {
            return "\(address) is \(category)"
        }
        if let (form, embedded) = embeddedIPv4(in: address) {
            if allowed.contains(where: { $0.contains(embedded) }) { return nil }
            guard let category = category(of: embedded, in: blockedIPv4) else { return nil }
            return "\(address) is \(form) \(embedded), \(category)"
        }
        guard let category = category(of: address, in: blockedIPv6) else { return nil }
        return "\(address) is \(category)"
    }

    private static func category(of address: IPAddress, in table: [(IPRange, String)]) -> String? {
        table.first { $0.0.contains(address) }?.1
    }

    /// The IPv4 address carried by an IPv6 transition form, with a phrase naming the form.
    private static func embeddedIPv4(in address: IPAddress) -> (String, IPAddress)? {
        guard let (_, form, offset) = ipv4CarryingForms.first(where: { $0.0.contains(address) }) else {
            return nil
        }
        return (form, IPAddress(bytes: Array(address.bytes[offset..<offset + 4]))!)
    }

    private static func range(_ cidr: String) -> IPRange {
        guard let range = IPRange(cidr: cidr) else { preconditionFailure("bad built-in CIDR \(cidr)") }
        return range
    }

    private static let blockedIPv4: [(IPRange, String)] = [
        (range("255.255.255.255/32"), "the broadcast address"),
        (range("0.0.0.0/8"), "a \"this network\" address (0.0.0.0/8)"),
        (range("10.0.0.0/8"), "a private (RFC 1918) address"),
        (range("100.64.0.0/10"), "a carrier-grade NAT (100.64.0.0/10) address"),
        (range("127.0.0.0/8"), "a loopback address"),
        (range("169.254.0.0/16"), "a link-local address (169.254.0.0/16, used by cloud metadata services)"),
        (range("172.16.0.0/12"), "a private (RFC 1918) address"),
        (range("192.0.0.0/24"), "an IETF protocol assignment (192.0.0.0/24) address"),
        (range("192.0.2.0/24"), "a documentation (TEST-NET-1) address"),
        (range("192.168.0.0/16"), "a private (RFC 1918) address"),
        (range("198.18.0.0/15"), "a benchmarking (198.18.0.0/15) address"),
        (range("198.51.100.0/24"), "a documentation (TEST-NET-2) address"),
        (range("203.0.113.0/24"), "a documentation (TEST-NET-3) address"),
        (range("224.0.0.0/4"), "a multicast address"),
        (range("240.0.0.0/4"), "a reserved (240.0.0.0/4) address"),
    ]

    /// Checked before the IPv4-carrying forms, because `::` and `::1` sit inside `::/96`.
    private static let blockedIPv6Exact: [(IPRange, String)] = [
        (range("::/128"), "the unspecified address"),
        (range("::1/128"), "the loopback address"),
    ]

    /// Range, phrase, and the byte offset of the embedded IPv4 address.
    private static let ipv4CarryingForms: [(IPRange, String, Int)] = [
        (range("::ffff:0:0/96"), "the IPv4-mapped form of", 12),
        (range("::/96"), "the IPv4-compatible form of", 12),
        (range("64:ff9b::/96"), "the NAT64 form of", 12),
        (range("2002::/16"), "a 6to4 address embedding", 2),
    ]

    private static let blockedIPv6: [(IPRange, String)] = [
        (range("64:ff9b:1::/48"), "a local-use NAT64 (64:ff9b:1::/48) address"),
        (range("100::/64"), "a discard-only (100::/64) address"),
        (range("2001:2::/48"), "a benchmarking (2001:2::/48) address"),
        (range("2001:db8::/32"), "a documentation (2001:db8::/32) address"),
        (range("fc00::/7"), "a unique-local (fc00::/7) address"),
        (range("fe80::/10"), "a link-local address"),
        (range("fec0::/10"), "a site-local (deprecated, fec0::/10) address"),
        (range("ff00::/8"), "a multicast address"),
    ]
}
