/// How a subscription's deliveries are signed; the raw value is what forms and the database store.
public enum SignatureScheme: String, Sendable, CaseIterable {
    /// `X-Webhook-Signature: sha256=<hex>` over `body.timestamp`, keyed with the whole secret string.
    case hookline

    /// The Standard Webhooks spec: `webhook-signature: v1,<base64>` over `id.timestamp.body`.
    case standardWebhooks = "standard-webhooks"

    /// A short human-readable name for forms, tables and messages.
    public var label: String {
        switch self {
        case .hookline: return "Hookline"
        case .standardWebhooks: return "Standard Webhooks"
        }
    }
}
