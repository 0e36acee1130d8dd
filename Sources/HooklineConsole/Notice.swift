import HooklineCGI

/// The confirmation shown after a redirect (post-redirect-get). The query carries only a code
/// from this fixed set (`?notice=deleted&id=12`), never text, so a crafted link cannot make
/// the console say something it did not.
public enum Notice: String, Sendable, CaseIterable {
    case created, saved, deleted, activated, deactivated, resent
    case secretRegenerated = "secret-regenerated"
    case secretRemoved = "secret-removed"
    case tokenRevoked = "token-revoked"
    case heldDelivered = "held-delivered"
    case heldDiscarded = "held-discarded"
    case recovered

    /// The notice named by `notice=` in `query`; nil when absent or unknown.
    public init?(query: FormData) {
        guard query.count("notice") == 1, let code = query["notice"], let notice = Notice(rawValue: code) else { return nil }
        self = notice
    }

    /// The sentence shown; `name` is the subscription's stored name, when known.
    public func text(name: String?) -> String {
        let quoted = name.map { " “\($0)”" } ?? ""
        switch self {
        case .created: return "Webhook\(quoted) created."
        case .saved: return name.map { "Changes to “\($0)” saved." } ?? "Changes saved."
        case .deleted: return "Deleted webhook\(quoted)."
        case .activated: return "Activated webhook\(quoted)."
        case .deactivated: return "Deactivated webhook\(quoted)."
        case .resent: return "Sent again: this is the new attempt."
        case .secretRegenerated: return "A new signing secret was generated."
        case .secretRemoved: return "The signing secret was removed. Deliveries are no longer signed."
        case .tokenRevoked: return "The token was revoked; requests with it are refused from now on."
        case .heldDelivered: return "The held events of\(quoted) are queued for delivery now."
        case .heldDiscarded: return "The held events of\(quoted) were discarded."
        case .recovered: return "The failed deliveries are queued again."
        }
    }
}
