import HooklineSigning
import Testing

@Suite("Signing secrets")
struct SigningSecretTests {
    @Test("Generated secrets are whsec_ + Base64 of 32 random bytes")
    func generated() throws {
        let secret = try SigningSecret.generate()
        #expect(secret.hasPrefix("whsec_"))
        #expect(secret.count == 6 + 44)
        #expect(SigningSecret.keyBytes(forStandardWebhooks: secret)?.count == 32)
        #expect(SigningSecret.isWellFormed(secret))
    }

    @Test("Generated secrets differ")
    func unique() throws {
        let secrets = try (0..<20).map { _ in try SigningSecret.generate() }
        #expect(Set(secrets).count == secrets.count)
    }

    @Test("SecureRandom fills requests larger than one getentropy chunk")
    func largeRequest() throws {
        let bytes = try SecureRandom.bytes(1000)
        #expect(bytes.count == 1000)
        #expect(Set(bytes).count > 100)
        #expect(try SecureRandom.bytes(0).isEmpty)
    }

    @Test("Standard Webhooks key is the Base64 after whsec_; the prefix is optional")
    func standardKey() {
        let key = SigningSecret.keyBytes(forStandardWebhooks: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        #expect(key?.count == 24)
        #expect(SigningSecret.keyBytes(forStandardWebhooks: "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") == key)
        #expect(SigningSecret.keyBytes(forStandardWebhooks: "whsec_not base64!") == nil)
        #expect(SigningSecret.keyBytes(forStandardWebhooks: "whsec_") == nil)
    }

    @Test(
        "Well-formedness",
        arguments: [
            ("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", true),
            ("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", false),
            ("whsec_", false),
            ("whsec_Zm9vYmFy", false),
            ("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS!", false),
            ("", false),
        ])
    func wellFormed(secret: String, expected: Bool) {
        #expect(SigningSecret.isWellFormed(secret) == expected)
    }

    @Test("Scheme raw values and labels")
    func schemes() {
        #expect(SignatureScheme.allCases.map(\.rawValue) == ["hookline", "standard-webhooks"])
        #expect(SignatureScheme(rawValue: "standard-webhooks") == .standardWebhooks)
        #expect(SignatureScheme.standardWebhooks.label == "Standard Webhooks")
        #expect(!SignatureScheme.hookline.label.isEmpty)
    }
}
