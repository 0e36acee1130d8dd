/// Compares two byte strings in time that depends only on their lengths, not their contents.
///
/// Use it for every comparison of a received signature with an expected one, so an attacker
/// cannot learn how many leading bytes of a forged signature were right. Different lengths
/// return `false` at once (lengths are public: every signature of a scheme has the same one).
public func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for index in a.indices {
        difference |= a[index] ^ b[index]
    }
    return difference == 0
}
