import HooklineSigning

/// A webhook subscription as stored.
public struct Subscription: Sendable {
    public var id: Int
    public var name: String
    public var url: String
    public var active: Bool
    public var signatureScheme: SignatureScheme
    /// The current signing secret. Only the delivery path and the one-time reveal may read it.
    public var secret: String?
    /// The replaced secret that still signs until `previousSecretExpiresAt`.
    public var previousSecret: String?
    public var previousSecretExpiresAt: Int?
    public var disabledReason: String?
    public var disabledAt: Int?
    public var failingSince: Int?
    public var eventTypes: [String]
    /// Agent uuids; empty means all agents.
    public var agentUUIDs: [String]
    public var version: Int
    public var createdAt: Int
    public var updatedAt: Int
    public var lastDeliveryAt: Int?
    public var lastDeliveryOutcome: AttemptOutcome?
    public var lastDeliveryStatus: Int?
    /// How many event types it subscribes to (kept on the row for the inventory).
    public var eventCount: Int

    public var hasSecret: Bool { secret != nil }

    /// Active, Inactive or Disabled (auto-disabled after failures).
    public var status: SubscriptionStatus {
        if disabledReason != nil { return .disabled }
        return active ? .active : .inactive
    }

    /// Secrets that sign right now, newest first (the previous one only during its grace period).
    public func signingSecrets(now: Int) -> [String] {
        var secrets: [String] = []
        if let secret { secrets.append(secret) }
        if let previousSecret, let until = previousSecretExpiresAt, until > now { secrets.append(previousSecret) }
        return secrets
    }
}

public enum SubscriptionStatus: String, Sendable, CaseIterable {
    case active, inactive, disabled

    public var label: String {
        switch self {
        case .active: "Active"
        case .inactive: "Inactive"
        case .disabled: "Disabled"
        }
    }
}

/// What an admin submits on the create and edit forms, after validation.
public struct SubscriptionDraft: Sendable, Equatable {
    public var name: String
    public var url: String
    public var active: Bool
    public var signatureScheme: SignatureScheme
    public var eventTypes: [String]
    public var agentUUIDs: [String]

    public init(name: String, url: String, active: Bool, signatureScheme: SignatureScheme, eventTypes: [String], agentUUIDs: [String]) {
        self.name = name
        self.url = url
        self.active = active
        self.signatureScheme = signatureScheme
        self.eventTypes = eventTypes
        self.agentUUIDs = agentUUIDs
    }
}

/// One row of the inventory table.
public struct InventoryRow: Sendable {
    public let subscription: Subscription
    public let agentNames: [String]
}

/// The inventory's filters, sort and page, as they appear in the query string.
public struct InventoryQuery: Sendable, Equatable {
    public enum SortKey: String, Sendable, CaseIterable { case name, url, status, events, created }

    public var text = ""
    public var status: SubscriptionStatus? = nil
    public var agent: String? = nil
    public var event: String? = nil
    public var sort: SortKey = .name
    public var descending = false
    public var page = 1
    public var pageSize = 50
    /// Keyset paging (the API's cursor): only rows after this (created, id), in `created` order.
    public var afterCreated: Int? = nil
    public var afterID: Int? = nil

    public init() {}
}

/// One page of the inventory. `hasNextPage` comes from fetching one row more than shown, so a
/// request never counts the whole table.
public struct InventoryPage: Sendable {
    public let rows: [InventoryRow]
    public let hasNextPage: Bool
    public let query: InventoryQuery
}
