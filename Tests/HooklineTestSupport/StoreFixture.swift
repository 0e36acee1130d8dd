import HooklineSigning
import HooklineStore

/// A migrated database — an SQLite file in its own temporary directory, or a PostgreSQL
/// database (see ``TestDatabase``) — removed with the fixture, with two agents unless told otherwise.
public final class StoreFixture {
    public let directory = TemporaryDirectory(prefix: "hookline-store")
    public let database: TestDatabase
    public let db: Database
    /// A fixed "now" (2026-04-19) for changes made through the fixture.
    public let now = 1_776_600_000

    public static let agentA = Agent(uuid: "aaaaaaaa-1111-4111-8111-111111111111", name: "Alpha Support")
    public static let agentB = Agent(uuid: "bbbbbbbb-2222-4222-8222-222222222222", name: "Beta Sales")

    public init(agents: Bool = true) throws {
        database = try TestDatabase(in: directory)
        db = try Database(database.location)
        try Schema.migrate(db)
        if agents {
            _ = try Catalog(db).upsertAgent(Self.agentA)
            _ = try Catalog(db).upsertAgent(Self.agentB)
        }
    }

    /// Where the database is, for a second connection.
    public var location: DatabaseLocation { database.location }

    /// A second connection to the same database (another process, as far as the engine knows).
    public func connect() throws -> Database { try Database(location) }

    /// The backend behind the store interface.
    public var backend: Store { Store(db) }
    public var store: SubscriptionStore { SubscriptionStore(db) }
    public var deliveries: DeliveryLog { DeliveryLog(db) }
    public var catalog: Catalog { Catalog(db) }
    public var audit: AuditLog { AuditLog(db) }

    /// Creates a subscription with sensible defaults.
    @discardableResult
    public func create(
        _ name: String = "CRM sync", url: String = "https://example.com/hook", active: Bool = true,
        events: [String] = ["conversation.ended"], agents: [String] = [], secret: String? = nil, token: String? = nil,
        scheme: SignatureScheme = .hookline, at time: Int? = nil
    ) throws -> Int {
        try store.create(
            SubscriptionDraft(name: name, url: url, active: active, signatureScheme: scheme, eventTypes: events, agentUUIDs: agents),
            secret: secret, creationToken: token, actor: "alice", now: time ?? now
        ).id
    }
}
