/// Webhook signing secrets: `whsec_` followed by standard padded Base64 of random bytes.
///
/// The same secret serves both signature schemes: scheme `hookline` uses the whole string's
/// UTF-8 bytes as the HMAC key, scheme `standard-webhooks` the Base64-decoded part after `whsec_`.
public enum SigningSecret {
    /// The prefix every Hookline secret starts with.
    public static let prefix = "whsec_"

    /// The number of random bytes in a generated secret.
    public static let generatedByteCount = 32

    /// Key lengths accepted by ``isWellFormed(_:)``: the Standard Webhooks spec allows 24 to 64 bytes.
    public static let acceptedKeyByteCounts = 24...64

    /// Returns a new secret: `whsec_` + Base64 of 32 bytes from the OS CSPRNG (50 characters).
    ///
    /// - Throws: ``SecureRandom/Failure`` if the kernel cannot supply random bytes.
    public static func generate() throws -> String {
        prefix + Base64.encode(try SecureRandom.bytes(generatedByteCount))
    }

    /// Returns the HMAC key the Standard Webhooks scheme uses for `secret`.
    ///
    /// That is the Base64 decoding of the part after `whsec_`. Like the reference libraries,
    /// a secret given without the prefix is decoded whole. Returns `nil` if the text is not
    /// valid padded Base64 or decodes to nothing.
    public static func keyBytes(forStandardWebhooks secret: String) -> [UInt8]? {
        let encoded = secret.hasPrefix(prefix) ? String(secret.dropFirst(prefix.count)) : secret
        guard let key = Base64.decode(encoded), !key.isEmpty else { return nil }
        return key
    }

    /// Returns the HMAC key the `hookline` scheme uses for `secret`: its UTF-8 bytes, prefix included.
    public static func keyBytes(forHookline secret: String) -> [UInt8] {
        Array(secret.utf8)
    }

    /// Tells whether `secret` looks like a Hookline secret.
    ///
    /// True when it starts with `whsec_` and the rest is padded standard Base64 of 24 to 64
    /// bytes. Every secret from ``generate()`` qualifies.
    public static func isWellFormed(_ secret: String) -> Bool {
        guard secret.hasPrefix(prefix), let key = keyBytes(forStandardWebhooks: secret) else { return false }
        return acceptedKeyByteCounts.contains(key.count)
    }
}
