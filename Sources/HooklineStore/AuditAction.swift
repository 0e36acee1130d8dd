/// What an audit entry records. The raw value is the text stored in `audit_log.action`.
public enum AuditAction: String, Sendable, CaseIterable {
    case create
    case update
    case activate
    case deactivate
    case delete
    case generateSecret = "generate_secret"
    case regenerateSecret = "regenerate_secret"
    case removeSecret = "remove_secret"
    /// An automatic disable (410 Gone, or failing for five days).
    case disable
    /// An API token made or revoked (the entry names the token, never its value).
    case createToken = "create_token"
    case revokeToken = "revoke_token"
    /// Held deliveries sent on after re-activating (back to pending, due now).
    case deliverHeld = "deliver_held"
    /// Held deliveries discarded after re-activating.
    case discardHeld = "discard_held"
    /// Failed deliveries re-queued since a chosen time, for one subscription or all.
    case recover
}
