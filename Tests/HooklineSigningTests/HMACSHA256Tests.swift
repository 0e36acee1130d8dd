import HooklineSigning
import Testing

@Suite("HMAC-SHA256 (RFC 4231)")
struct HMACSHA256Tests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
    private func repeated(_ byte: UInt8, _ count: Int) -> [UInt8] { [UInt8](repeating: byte, count: count) }
    private func mac(_ key: [UInt8], _ message: [UInt8]) -> String {
        Hex.encode(HMACSHA256.authenticate(key: key, message: message))
    }

    @Test("Test case 1")
    func case1() {
        #expect(
            mac(repeated(0x0b, 20), bytes("Hi There"))
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    }

    @Test("Test case 2: key shorter than the output")
    func case2() {
        #expect(
            mac(bytes("Jefe"), bytes("what do ya want for nothing?"))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test("Test case 3: combined length of key and data larger than 64 bytes")
    func case3() {
        #expect(
            mac(repeated(0xaa, 20), repeated(0xdd, 50))
                == "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe")
    }

    @Test("Test case 4")
    func case4() {
        #expect(
            mac(Array(1...25), repeated(0xcd, 50))
                == "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b")
    }

    @Test("Test case 5: output truncated to 128 bits")
    func case5() {
        #expect(mac(repeated(0x0c, 20), bytes("Test With Truncation")).hasPrefix("a3b6167473100ee06e0c796c2955552b"))
    }

    @Test("Test case 6: key larger than the block size")
    func case6() {
        #expect(
            mac(repeated(0xaa, 131), bytes("Test Using Larger Than Block-Size Key - Hash Key First"))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test("Test case 7: key and data larger than the block size")
    func case7() {
        let data =
            "This is a test using a larger than block-size key and a larger than block-size data."
            + " The key needs to be hashed before being used by the HMAC algorithm."
        #expect(
            mac(repeated(0xaa, 131), bytes(data))
                == "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2")
    }
}
