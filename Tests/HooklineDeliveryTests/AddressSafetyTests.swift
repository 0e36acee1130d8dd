import HooklineCore
import HooklineDelivery
import Testing

@Suite("AddressSafety")
struct AddressSafetyTests {
    private func reason(_ text: String, allowed: [String] = []) -> String? {
        let ranges = allowed.map { IPRange(cidr: $0)! }
        return AddressSafety.blockReason(for: IPAddress(text)!, allowed: ranges)
    }

    @Test(arguments: [
        // IPv4: every blocked range, first and last address where it matters.
        ("0.0.0.0", "this network"), ("0.255.255.255", "this network"),
        ("10.0.0.1", "private (RFC 1918)"), ("10.255.255.255", "private (RFC 1918)"),
        ("100.64.0.1", "carrier-grade NAT"), ("100.127.255.255", "carrier-grade NAT"),
        ("127.0.0.1", "loopback"), ("127.255.255.254", "loopback"),
        ("169.254.169.254", "link-local"), ("169.254.0.1", "link-local"),
        ("172.16.0.1", "private (RFC 1918)"), ("172.31.255.255", "private (RFC 1918)"),
        ("192.0.0.8", "IETF protocol assignment"),
        ("192.0.2.1", "documentation"),
        ("192.168.0.1", "private (RFC 1918)"), ("192.168.255.255", "private (RFC 1918)"),
        ("198.18.0.1", "benchmarking"), ("198.19.255.255", "benchmarking"),
        ("198.51.100.7", "documentation"),
        ("203.0.113.5", "documentation"),
        ("224.0.0.1", "multicast"), ("239.255.255.250", "multicast"),
        ("240.0.0.1", "reserved"), ("254.255.255.255", "reserved"),
        ("255.255.255.255", "broadcast"),
        // IPv6 ranges.
        ("::", "unspecified"), ("::1", "loopback"),
        ("fe80::1", "link-local"), ("febf:ffff::1", "link-local"),
        ("fc00::1", "unique-local"), ("fd12:3456::1", "unique-local"),
        ("ff02::1", "multicast"), ("ff0e::1", "multicast"),
        ("2001:db8::1", "documentation"), ("2001:db8:ffff::1", "documentation"),
        ("100::1", "discard-only"), ("2001:2::1", "benchmarking"), ("fec0::1", "site-local"),
        ("64:ff9b:1::1", "local-use NAT64"),
        // IPv6 forms carrying a blocked IPv4 address.
        ("::ffff:127.0.0.1", "IPv4-mapped form of 127.0.0.1, a loopback"),
        ("::ffff:10.0.0.1", "IPv4-mapped form of 10.0.0.1, a private (RFC 1918)"),
        ("::ffff:169.254.169.254", "IPv4-mapped form of 169.254.169.254, a link-local"),
        ("::ffff:0.0.0.0", "IPv4-mapped form of 0.0.0.0"),
        ("::127.0.0.1", "IPv4-compatible form of 127.0.0.1, a loopback"),
        ("::10.0.0.1", "IPv4-compatible form of 10.0.0.1"),
        ("64:ff9b::10.0.0.1", "NAT64 form of 10.0.0.1"),
        ("64:ff9b::a9fe:a9fe", "NAT64 form of 169.254.169.254"),
        ("64:ff9b::7f00:1", "NAT64 form of 127.0.0.1"),
        ("2002:7f00:1::1", "6to4 address embedding 127.0.0.1"),
        ("2002:c0a8:101::", "6to4 address embedding 192.168.1.1"),
    ])
    func blocksNonPublicAddress(_ address: String, _ category: String) throws {
        let text = try #require(reason(address))
        #expect(text.contains(category), "\(address): \(text)")
        #expect(text.hasPrefix(IPAddress(address)!.description + " is "))
    }

    @Test(arguments: [
        "93.184.216.34", "8.8.8.8", "1.1.1.1", "9.255.255.255", "11.0.0.0", "100.63.255.255",
        "100.128.0.0", "126.255.255.255", "128.0.0.0", "169.253.255.255", "169.255.0.0",
        "172.15.255.255", "172.32.0.0", "192.0.1.1", "192.0.3.1", "192.167.255.255", "192.169.0.0",
        "198.17.255.255", "198.20.0.0", "198.51.99.1", "203.0.112.1", "223.255.255.255",
        "2606:4700::1", "2a00:1450:4001::200e", "2001:4860:4860::8888",
        "::ffff:93.184.216.34", "::8.8.8.8", "64:ff9b::8.8.8.8", "2002:808:808::1",
    ])
    func allowsPublicAddress(_ address: String) {
        #expect(reason(address) == nil, "\(address) should be public")
    }

    @Test func exactWording() {
        #expect(reason("127.0.0.1") == "127.0.0.1 is a loopback address")
        #expect(reason("10.0.0.1") == "10.0.0.1 is a private (RFC 1918) address")
        #expect(reason("::1") == "::1 is the loopback address")
        #expect(
            reason("::ffff:10.0.0.1")
                == "::ffff:10.0.0.1 is the IPv4-mapped form of 10.0.0.1, a private (RFC 1918) address")
        #expect(
            reason("169.254.169.254")
                == "169.254.169.254 is a link-local address (169.254.0.0/16, used by cloud metadata services)")
    }

    @Test func allowListOverridesBlock() {
        #expect(reason("127.0.0.1", allowed: ["127.0.0.0/8"]) == nil)
        #expect(reason("10.20.30.40", allowed: ["10.0.0.0/8"]) == nil)
        #expect(reason("::1", allowed: ["::1"]) == nil)
        #expect(reason("fd00::5", allowed: ["fd00::/8"]) == nil)
        #expect(reason("169.254.169.254", allowed: ["169.254.169.254"]) == nil)
    }

    @Test func allowListedIPv4CoversItsIPv6Forms() {
        #expect(reason("::ffff:127.0.0.1", allowed: ["127.0.0.0/8"]) == nil)
        #expect(reason("64:ff9b::10.0.0.1", allowed: ["10.0.0.0/8"]) == nil)
    }

    @Test func allowListIsNarrow() {
        #expect(reason("10.0.0.1", allowed: ["192.168.0.0/16"]) != nil)
        #expect(reason("127.0.0.1", allowed: ["::1/128"]) != nil)
        #expect(reason("::1", allowed: ["127.0.0.0/8"]) != nil)
        #expect(reason("169.254.169.254", allowed: ["169.254.169.253"]) != nil)
        #expect(reason("::ffff:10.0.0.1", allowed: ["127.0.0.0/8"]) != nil)
    }
}
