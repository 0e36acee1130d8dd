/// The store's interface: everything the pages, the worker and the CLI may ask of persistence.
///
/// A backend provides five parts — subscriptions, account data (``CatalogBackend``), the audit
/// log, deliveries and API tokens — each an explicit protocol below. ``Store/open(_:)`` opens the
/// backend the config names: ``SubscriptionStore``, ``Catalog``, ``AuditLog``, ``DeliveryLog`` and
/// ``TokenStore`` on a ``Database``, which is an SQLite file or a PostgreSQL server (DESIGN §10).
/// The two engines share the statements; where they spell something differently the parts ask
/// the connection's dialect, and each engine has its own migrations (``Schema``).
///
/// What every backend must guarantee, whatever the engine:
/// - each change is one transaction; a change to a subscription writes its audit entry in the
///   same transaction and is refused with ``ChangeError/conflict(_:)`` when the version moved;
/// - secrets never reach the audit log;
/// - values cross the boundary typed (``DeliveryState``, ``AttemptOutcome``, ``AuditAction``,
///   `SignatureScheme`); a stored value that does not decode is a ``StoreError`` naming the column.
public struct Store {
    public let subscriptions: any SubscriptionBackend
    public let catalog: any CatalogBackend
    public let audit: any AuditBackend
    public let deliveries: any DeliveryBackend
    public let tokens: any TokenBackend

    public init(
        subscriptions: any SubscriptionBackend, catalog: any CatalogBackend, audit: any AuditBackend,
        deliveries: any DeliveryBackend, tokens: any TokenBackend
    ) {
        self.subscriptions = subscriptions
        self.catalog = catalog
        self.audit = audit
        self.deliveries = deliveries
        self.tokens = tokens
    }

    /// The SQLite backend on an open (and migrated) connection.
    public init(_ db: Database) {
        self.init(
            subscriptions: SubscriptionStore(db), catalog: Catalog(db), audit: AuditLog(db), deliveries: DeliveryLog(db),
            tokens: TokenStore(db))
    }

    /// Opens the database at `location` (SQLite or PostgreSQL), migrating it as needed.
    public static func open(_ location: DatabaseLocation) throws -> Store {
        let db = try Database(location)
        try Schema.migrate(db)
        return Store(db)
    }
}

/// Subscriptions: reading the inventory and making audited, version-checked changes.
public protocol SubscriptionBackend {
    /// A subscription with its event types and agents, or nil.
    func find(id: Int) throws -> Subscription?
    /// One page of the inventory; the cost follows the page size, not the inventory's size.
    func inventory(_ query: InventoryQuery) throws -> InventoryPage
    /// How many subscriptions exist.
    func count() throws -> Int
    /// The subscription created by the form submission `token`, if that form was already submitted.
    func createdBy(token: String) throws -> Int?
    /// Creates a subscription (audited as ``AuditAction/create``) with, given a `revealBinding`, a
    /// one-time reveal of its secret; a `creationToken` already used names the first creation.
    func create(
        _ draft: SubscriptionDraft, secret: String?, creationToken: String?, revealBinding: String?, actor: String, now: Int
    ) throws -> Creation
    /// Saves an edit made on top of `expectedVersion`; enabling by hand clears an automatic disable.
    func update(id: Int, with draft: SubscriptionDraft, expectedVersion: Int, actor: String, now: Int) throws(ChangeError)
    /// Turns a subscription on or off; turning it on clears an automatic disable.
    func setActive(id: Int, active: Bool, expectedVersion: Int?, actor: String, now: Int) throws(ChangeError)
    /// Deletes a subscription with its scope and delivery log.
    func delete(id: Int, expectedVersion: Int?, actor: String, now: Int) throws(ChangeError)
    /// Sets (keeping the old secret signing until `graceUntil`) or removes the secret; returns a reveal token when set.
    func replaceSecret(id: Int, newSecret: String?, graceUntil: Int?, revealBinding: String, actor: String, now: Int) throws(ChangeError)
        -> String?
    /// Stores a secret for exactly one display and returns the token that unlocks it.
    func createReveal(subscriptionID: Int, secret: String, binding: String, now: Int) throws -> String
    /// The secret for `token`, once; nil when already shown or older than 15 minutes.
    func consumeReveal(token: String, binding: String, subscriptionID: Int, now: Int) throws -> String?
}

/// Account data: the organization, agents and the event catalogue.
public protocol CatalogBackend {
    func organization() throws -> Organization
    /// Renames the organization; a nil `uuid` keeps the current one.
    func setOrganization(name: String, uuid: String?) throws
    /// Agents by name.
    func agents() throws -> [Agent]
    func agent(uuid: String) throws -> Agent?
    /// Adds an agent or renames an existing one; true when it was new. Refuses a malformed uuid or name.
    func upsertAgent(_ agent: Agent) throws -> Bool
    /// Upserts every agent in one transaction (all or none); returns how many were new.
    func importAgents(_ agents: [Agent]) throws -> Int
    /// Event types by group, then catalogue position.
    func eventTypes() throws -> [EventType]
    func eventType(named name: String) throws -> EventType?
    /// Adds or updates an event type; true when it was new. Refuses a bad name or non-object sample.
    func upsertEventType(_ event: EventType) throws -> Bool
    /// Upserts every event type in one transaction (all or none); returns how many were new.
    func importEventTypes(_ events: [EventType]) throws -> Int
}

/// The audit log of every change (never a secret).
public protocol AuditBackend {
    func record(actor: String, action: AuditAction, subscriptionID: Int?, name: String, changes: AuditChanges, now: Int) throws
    /// The newest entries first, optionally for one subscription.
    func recent(limit: Int, subscriptionID: Int?) throws -> [AuditEntry]
}

/// Events, deliveries and their attempts: what the worker and the sending pages need.
public protocol DeliveryBackend {
    /// A subscription's attempts, newest first, one page at a time.
    func attempts(subscriptionID: Int, page: Int, pageSize: Int) throws -> (attempts: [DeliveryAttempt], hasNextPage: Bool)
    func attempt(id: Int, subscriptionID: Int) throws -> DeliveryAttempt?
    func delivery(id: Int) throws -> Delivery?
    /// Creates a delivery: ``DeliveryState/pending`` at `due`, or ``DeliveryState/sending`` (sent by the caller now) when nil.
    func createDelivery(subscriptionID: Int, eventID: String, eventType: String, body: String, isTest: Bool, due: Int?, now: Int) throws
        -> Int
    /// Records an attempt in one transaction: the attempt, the delivery's state and next attempt,
    /// the subscription's last delivery and — only with `updatesFailingClock` — its failing streak.
    func record(
        _ record: AttemptRecord, deliveryID: Int, subscriptionID: Int, nextAttemptAt: Int?, giveUp: Bool, updatesFailingClock: Bool,
        now: Int
    ) throws -> Int
    /// Pending deliveries whose next attempt is due, oldest first (claimed or not: for reading,
    /// never for sending — workers use ``claimDue(now:lease:limit:)``).
    func due(now: Int, limit: Int) throws -> [Delivery]
    /// Claims up to `limit` due deliveries for one worker until `now + lease` (DESIGN §10).
    ///
    /// In one transaction, takes pending deliveries whose next attempt is due and that no live
    /// lease holds (never claimed, or the lease ended at or before `now`), oldest first, and marks
    /// them with a fresh claim token and the lease's end. Two concurrent calls never return the
    /// same delivery while its lease runs; a worker killed mid-batch leaves claims that expire and
    /// are claimed again (at least once, never lost). `lease` must exceed the longest attempt
    /// (connect timeout + total timeout + a margin for recording), or a slow attempt's delivery may
    /// be claimed and sent a second time. SQLite does this with `UPDATE … RETURNING` under its
    /// write lock; PostgreSQL with `SELECT … FOR UPDATE SKIP LOCKED` feeding the `UPDATE`.
    func claimDue(now: Int, lease: Int, limit: Int) throws -> DeliveryClaim
    /// Records a worker's attempt like ``record(_:deliveryID:subscriptionID:nextAttemptAt:giveUp:updatesFailingClock:now:)``
    /// (with the failing clock), in one transaction, but only while `claim` still holds the
    /// delivery; the record releases it. Returns nil and records nothing when the claim was lost
    /// (the lease ran out and another worker claimed the delivery): that worker's attempt counts.
    func record(
        _ record: AttemptRecord, claim: String, deliveryID: Int, subscriptionID: Int, nextAttemptAt: Int?, giveUp: Bool, now: Int
    ) throws -> Int?
    /// Gives claimed deliveries back without an attempt (the worker could not start them in
    /// time), only those `claim` still holds; they are due again at once, for any worker.
    func release(claim: String, deliveryIDs: [Int]) throws
    /// Marks a pending delivery ``DeliveryState/held`` (its subscription is inactive or disabled)
    /// and releases any claim on it: the worker neither sends nor drops it.
    func hold(deliveryID: Int) throws
    /// Stores an event and fans it out in one transaction; returns the deliveries created (0 for a repeated event id).
    func emit(eventID: String, eventType: String, agentUUID: String?, body: String, now: Int) throws -> Int
    /// Attempts across all subscriptions, newest first, filtered and paged by keyset; the cost
    /// follows the page, not the log.
    func log(_ query: DeliveryLogQuery) throws -> DeliveryLogPage
    /// Recent health of each subscription in `subscriptionIDs`: attempts and successes since
    /// `since`, and the last success ever. Cost follows the subscriptions asked about.
    func health(subscriptionIDs: [Int], since: Int) throws -> [Int: DeliveryHealth]
    /// One subscription's attempts and failures per hour since `since` (hours without attempts left out).
    func hourly(subscriptionID: Int, since: Int) throws -> [HourlyAttempts]
    /// Stores and fans out a batch of events in one transaction (the API's `POST /events`, `emit --batch`).
    func ingest(_ events: [PreparedEvent], now: Int) throws -> IngestResult
    /// Disables a subscription automatically with `reason` (audited as ``AuditAction/disable``)
    /// and holds its pending deliveries; false (nothing changed) when it already was disabled.
    @discardableResult
    func disable(subscriptionID: Int, reason: String, now: Int) throws -> Bool

    // MARK: Operations (DESIGN §9)

    /// How many deliveries of a subscription are ``DeliveryState/held``. Switching a subscription
    /// off (``SubscriptionBackend/setActive(id:active:expectedVersion:actor:now:)``, an edit with
    /// Active off) or disabling it holds its pending deliveries in the same transaction.
    func heldCount(subscriptionID: Int) throws -> Int
    /// Sends a subscription's held deliveries on: pending and due `now`, in one transaction with an
    /// ``AuditAction/deliverHeld`` entry; returns how many (0: nothing changed, nothing audited).
    @discardableResult
    func deliverHeld(subscriptionID: Int, actor: String, now: Int) throws -> Int
    /// Discards a subscription's held deliveries (``DeliveryState/cancelled``), in one transaction
    /// with an ``AuditAction/discardHeld`` entry; returns how many.
    @discardableResult
    func discardHeld(subscriptionID: Int, actor: String, now: Int) throws -> Int
    /// How many deliveries (test sends excepted) gave up as ``DeliveryState/failed`` at or after
    /// `since`, for one subscription or (nil) all.
    func failedCount(subscriptionID: Int?, since: Int) throws -> Int
    /// Re-queues exactly what ``failedCount(subscriptionID:since:)`` counts: pending and due `now`
    /// (held where the subscription is off), in one transaction with an ``AuditAction/recover``
    /// entry (for all subscriptions: one entry without a subscription); returns how many.
    @discardableResult
    func recover(subscriptionID: Int?, since: Int, actor: String, now: Int) throws -> Int
    /// Retention: deletes at most `limit` rows — attempts of deliveries that finished
    /// (succeeded, failed, cancelled) before `before`, then such deliveries once they have no
    /// attempts left — in one short transaction. Returns how many rows went; the caller repeats
    /// while it gets `limit`, so no transaction holds the write lock for long.
    func pruneFinished(before: Int, limit: Int) throws -> Int
    /// The Prometheus figures of DESIGN §9; reads a few rows (counters are kept with each
    /// recorded attempt), never scans the log. See ``Metrics/render(store:now:)``.
    func metrics(now: Int) throws -> MetricsSnapshot
    /// Active subscriptions whose failing streak began at or before `failingBefore` and whose
    /// current episode was not alerted yet (ids, longest failing first).
    func failingUnalerted(failingBefore: Int) throws -> [Int]
    /// Marks the failing episode that began at `failingSince` as alerted; true only for the one
    /// caller that changed it (so each episode is told once, whatever the number of workers).
    func markFailingAlerted(subscriptionID: Int, failingSince: Int) throws -> Bool
}

/// What ``SubscriptionBackend/create(_:secret:creationToken:revealBinding:actor:now:)`` did.
public struct Creation: Sendable, Equatable {
    public let id: Int
    /// False when the form submission had already created `id` (a double submit).
    public let isNew: Bool
    /// The one-time reveal of the new secret, when one was generated and a binding given.
    public let revealToken: String?

    public init(id: Int, isNew: Bool, revealToken: String?) {
        self.id = id
        self.isNew = isNew
        self.revealToken = revealToken
    }
}
