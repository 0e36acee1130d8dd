/// HMAC-SHA256 as specified in RFC 2104, on top of ``SHA256``.
public enum HMACSHA256 {
    /// Returns the 32-byte HMAC-SHA256 of `message` under `key`.
    ///
    /// Keys longer than the 64-byte block are hashed first, shorter ones are zero-padded, as
    /// RFC 2104 prescribes; any key length (including empty) is accepted.
    public static func authenticate(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var blockKey = key.count > SHA256.blockByteCount ? SHA256.hash(key) : key
        blockKey += [UInt8](repeating: 0, count: SHA256.blockByteCount - blockKey.count)

        var inner = blockKey.map { $0 ^ 0x36 }
        inner.append(contentsOf: message)
        var outer = blockKey.map { $0 ^ 0x5c }
        outer.append(contentsOf: SHA256.hash(inner))
        return SHA256.hash(outer)
    }
}
