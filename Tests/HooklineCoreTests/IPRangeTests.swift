import HooklineCore
import Testing

@Suite("IPRange and IPAddress parsing")
struct IPRangeTests {
    @Test func parsesIPv4CIDR() throws {
        let range = try #require(IPRange(cidr: "10.0.0.0/8"))
        #expect(range.prefixLength == 8)
        #expect(range.contains(IPAddress("10.1.2.3")!))
        #expect(range.contains(IPAddress("10.255.255.255")!))
        #expect(!range.contains(IPAddress("11.0.0.0")!))
        #expect(!range.contains(IPAddress("9.255.255.255")!))
    }

    @Test func bareAddressIsSingleHostRange() throws {
        let ipv4 = try #require(IPRange(cidr: "127.0.0.1"))
        #expect(ipv4.prefixLength == 32)
        #expect(ipv4.contains(IPAddress("127.0.0.1")!))
        #expect(!ipv4.contains(IPAddress("127.0.0.2")!))
        let ipv6 = try #require(IPRange(cidr: "::1"))
        #expect(ipv6.prefixLength == 128)
        #expect(ipv6.contains(IPAddress("::1")!))
        #expect(!ipv6.contains(IPAddress("::2")!))
    }

    @Test func parsesIPv6CIDR() throws {
        let loopback = try #require(IPRange(cidr: "::1/128"))
        #expect(loopback.contains(IPAddress("0:0:0:0:0:0:0:1")!))
        let uniqueLocal = try #require(IPRange(cidr: "fd00::/8"))
        #expect(uniqueLocal.contains(IPAddress("fd12:3456:789a::1")!))
        #expect(!uniqueLocal.contains(IPAddress("fc00::1")!))
    }

    @Test func clearsHostBitsAndTrimsWhitespace() throws {
        #expect(IPRange(cidr: "10.1.2.3/8")?.description == "10.0.0.0/8")
        #expect(IPRange(cidr: " 192.168.0.0/16 ")?.description == "192.168.0.0/16")
        #expect(IPRange(cidr: "2001:db8:abcd::1/32")?.description == "2001:db8::/32")
        #expect(IPRange(cidr: "172.16.0.0/12")?.contains(IPAddress("172.31.255.255")!) == true)
    }

    @Test func zeroPrefixContainsEveryAddressOfItsFamily() throws {
        let everything = try #require(IPRange(cidr: "0.0.0.0/0"))
        #expect(everything.contains(IPAddress("8.8.8.8")!))
        #expect(everything.contains(IPAddress("255.255.255.255")!))
        #expect(!everything.contains(IPAddress("::1")!))
    }

    @Test func ipv4RangeNeverContainsIPv6Address() throws {
        let range = try #require(IPRange(cidr: "127.0.0.0/8"))
        #expect(!range.contains(IPAddress("::ffff:127.0.0.1")!))
        #expect(!range.contains(IPAddress("::1")!))
    }

    @Test(arguments: [
        "", "abc", "10.0.0/8", "10.0.0.0/", "10.0.0.0/33", "::/129", "10.0.0.0/-1", "10.0.0.0/8/9",
        "10.0.0.0/ 8", "10.0.0.0/a", "256.0.0.0/8", "1.2.3.4.5", "fe80::1%eth0", "::g", "10.0.0.0/0008",
        "localhost",
    ])
    func rejectsMalformedCIDR(_ text: String) {
        #expect(IPRange(cidr: text) == nil)
    }

    @Test func addressTextForms() throws {
        #expect(IPAddress("[::1]")?.description == "::1")
        #expect(IPAddress("::FFFF:10.0.0.1")?.description == "::ffff:10.0.0.1")
        #expect(IPAddress("2001:0db8:0000:0000:0000:0000:0000:0001")?.description == "2001:db8::1")
        #expect(IPAddress("203.0.113.5")?.description(port: 443) == "203.0.113.5:443")
        #expect(IPAddress("2001:db8::1")?.description(port: 8443) == "[2001:db8::1]:8443")
        #expect(IPAddress("1.2.3") == nil)
        #expect(IPAddress("01.2.3.4") == nil)
        #expect(IPAddress(bytes: [1, 2, 3]) == nil)
        #expect(IPAddress(bytes: [192, 0, 2, 1])?.description == "192.0.2.1")
    }

    /// Found by the fuzzer (Tests/Fuzz, target `target`): inet_pton stopped at the NUL, so the text
    /// before it was accepted as the whole address.
    @Test(arguments: ["127.0.0.1\0", "10.0.0.1\0evil", "::ffff:0\0\01.2.3.4", "[::1\0]", "::1\0/128"])
    func rejectsTextWithNUL(_ text: String) {
        #expect(IPAddress(text) == nil)
        #expect(IPRange(cidr: text) == nil)
    }
}
