import HooklineSigning
import Testing

@Suite("Hex, Base64 and constant-time comparison")
struct EncodingTests {
    @Test("Hex encodes lowercase and decodes either case")
    func hexRoundTrip() {
        #expect(Hex.encode([0x00, 0x0f, 0xab, 0xff]) == "000fabff")
        #expect(Hex.decode("000fABff") == [0x00, 0x0f, 0xab, 0xff])
        #expect(Hex.decode("") == [])
    }

    @Test("Hex decode rejects bad input", arguments: ["abc", "zz", "0g", " 00", "00 "])
    func hexRejects(input: String) {
        #expect(Hex.decode(input) == nil)
    }

    @Test(
        "Base64 matches RFC 4648 §10",
        arguments: [
            ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
        ])
    func base64Vectors(plain: String, encoded: String) {
        #expect(Base64.encode(Array(plain.utf8)) == encoded)
        #expect(Base64.decode(encoded) == Array(plain.utf8))
    }

    @Test("Base64 round-trips every byte value, using + and /")
    func base64AllBytes() {
        let bytes = (0...255).map { UInt8($0) }
        let encoded = Base64.encode(bytes)
        #expect(encoded.contains("+") && encoded.contains("/"))
        #expect(Base64.decode(encoded) == bytes)
    }

    @Test(
        "Base64 decode rejects bad input",
        arguments: ["Zg", "Zg=", "Z===", "====", "Zm9v\n", "Zm 9", "Zm9-", "Zm9_", "Zg==Zg==", "Zh==", "Zm9=", "Zm=v"])
    func base64Rejects(input: String) {
        #expect(Base64.decode(input) == nil)
    }

    @Test("constantTimeEquals compares content and length")
    func constantTime() {
        #expect(constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(constantTimeEquals([], []))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2]))
        #expect(!constantTimeEquals([0x80], [0x00]))
    }
}
