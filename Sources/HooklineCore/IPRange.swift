/// A CIDR block such as `10.0.0.0/8` or `fd00::/8`, used to allow-list non-public delivery targets.
public struct IPRange: Sendable, Hashable, CustomStringConvertible {
    /// The network address with host bits cleared.
    public let network: IPAddress
    /// Number of leading bits that must match (0…32 for IPv4, 0…128 for IPv6).
    public let prefixLength: Int

    /// Parses `"10.0.0.0/8"`, `"::1/128"`, or a bare address (`"127.0.0.1"` means `/32`,
    /// `"::1"` means `/128`). Host bits below the prefix are ignored (`10.1.2.3/8` = `10.0.0.0/8`).
    /// Returns nil for malformed text or an out-of-range prefix.
    public init?(cidr: String) {
        let text = cidr.trimmingWhitespace
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2, let address = IPAddress(String(parts[0])) else {
            return nil
        }
        let maximum = address.bytes.count * 8
        var prefix = maximum
        if parts.count == 2 {
            let digits = parts[1]
            guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = Int(digits), value <= maximum
            else { return nil }
            prefix = value
        }
        self.init(network: address, prefixLength: prefix)
    }

    /// Creates a range from an address and prefix length (clamped to the address size).
    public init(network: IPAddress, prefixLength: Int) {
        let bits = max(0, min(prefixLength, network.bytes.count * 8))
        self.prefixLength = bits
        self.network = IPAddress(bytes: IPRange.masked(network.bytes, prefixLength: bits))!
    }

    /// Whether `address` lies inside this range. An IPv4 range never contains an IPv6 address
    /// (embedded IPv4 forms are handled by ``AddressSafety``).
    public func contains(_ address: IPAddress) -> Bool {
        guard address.bytes.count == network.bytes.count else { return false }
        return IPRange.masked(address.bytes, prefixLength: prefixLength) == network.bytes
    }

    /// `network/prefix`, e.g. `10.0.0.0/8`.
    public var description: String { "\(network)/\(prefixLength)" }

    private static func masked(_ bytes: [UInt8], prefixLength: Int) -> [UInt8] {
        var result = bytes
        for index in result.indices {
            let bitsInByte = max(0, min(8, prefixLength - index * 8))
            let mask: UInt8 = bitsInByte == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - bitsInByte))
            result[index] &= mask
        }
        return result
    }
}
