import HooklineCore
import HooklineSigning

/// Reads and changes subscriptions in SQLite. Every change is one transaction that also writes
/// the audit log, and edits are checked against the version the admin saw.
public struct SubscriptionStore: SubscriptionBackend {
    let db: Database

    public init(_ db: Database) { self.db = db }

    static let columns = """
        s.id, s.name, s.url, s.active, s.signature_scheme, s.secret, s.previous_secret, s.previous_secret_expires_at,
        s.disabled_reason, s.disabled_at, s.failing_since, s.version, s.created_at, s.updated_at,
        s.last_delivery_at, s.last_delivery_outcome, s.last_delivery_status, s.event_count
        """

    static func subscription(from row: Row) throws(StoreError) -> Subscription {
        Subscription(
            id: try row.int("id"), name: try row.text("name"), url: try row.text("url"), active: try row.bool("active"),
            signatureScheme: try row.enumValue("signature_scheme", as: SignatureScheme.self),
            secret: try row.optionalText("secret"), previousSecret: try row.optionalText("previous_secret"),
            previousSecretExpiresAt: try row.optionalInt("previous_secret_expires_at"),
            disabledReason: try row.optionalText("disabled_reason"), disabledAt: try row.optionalInt("disabled_at"),
            failingSince: try row.optionalInt("failing_since"), eventTypes: [], agentUUIDs: [], version: try row.int("version"),
            createdAt: try row.int("created_at"), updatedAt: try row.int("updated_at"),
            lastDeliveryAt: try row.optionalInt("last_delivery_at"),
            lastDeliveryOutcome: try row.optionalEnumValue("last_delivery_outcome", as: AttemptOutcome.self),
            lastDeliveryStatus: try row.optionalInt("last_delivery_status"), eventCount: try row.int("event_count"))
    }

    // MARK: Reading

    /// A subscription with its event types and agents, or nil.
    public func find(id: Int) throws -> Subscription? {
        guard let row = try db.query("SELECT \(Self.columns) FROM subscriptions s WHERE s.id = ?", [.of(id)]).first else {
            return nil
        }
        var subscription = try Self.subscription(from: row)
        subscription.eventTypes = try db.query(
            "SELECT event_type FROM subscription_events WHERE subscription_id = ? ORDER BY event_type", [.of(id)]
        ).map { row throws(StoreError) in try row.text("event_type") }
        subscription.agentUUIDs = try db.query(
            "SELECT agent_uuid FROM subscription_agents WHERE subscription_id = ? ORDER BY agent_uuid", [.of(id)]
        ).map { row throws(StoreError) in try row.text("agent_uuid") }
        return subscription
    }

    /// One page of the inventory. The cost follows the page size: filters and sorts run on
    /// indexes and the query stops one row past the page.
    public func inventory(_ query: InventoryQuery) throws -> InventoryPage {
        var conditions: [String] = []
        var bindings: [SQLValue] = []
        let text = query.text.trimmingWhitespace
        if db.dialect == .postgresql, !text.isEmpty {
            // ILIKE on name and URL, found through the trigram indexes of PostgreSQL migration 6
            // (pg_trgm) when the server has them; `%`, `_` and `\` in the text are taken literally.
            conditions.append("(s.name ILIKE ? ESCAPE '\\' OR s.url ILIKE ? ESCAPE '\\')")
            let pattern = "%" + Self.escapeLike(text) + "%"
            bindings += [.text(pattern), .text(pattern)]
        } else if text.unicodeScalars.count >= 3 {
            // The trigram index (migration 6) finds substrings without reading every row; the
            // text is one quoted phrase, so `%`, `_`, `*` and quotes in it are taken literally.
            conditions.append("s.id IN (SELECT rowid FROM subscriptions_search WHERE subscriptions_search MATCH ?)")
            bindings.append(.text("\"" + text.replacing("\"", with: "\"\"") + "\""))
        } else if !text.isEmpty {
            // One or two characters: shorter than a trigram, so a scan (rarely what anyone searches).
            conditions.append("(s.name LIKE ? ESCAPE '\\' OR s.url LIKE ? ESCAPE '\\')")
            let pattern = "%" + Self.escapeLike(text) + "%"
            bindings += [.text(pattern), .text(pattern)]
        }
        switch query.status {
        case .active?: conditions.append("s.active = 1 AND s.disabled_reason IS NULL")
        case .inactive?: conditions.append("s.active = 0 AND s.disabled_reason IS NULL")
        case .disabled?: conditions.append("s.disabled_reason IS NOT NULL")
        case nil: break
        }
        if let agent = query.agent {
            // Subscriptions that apply to this agent: scoped to it, or to all agents.
            conditions.append(
                "(s.agent_count = 0 OR EXISTS (SELECT 1 FROM subscription_agents a WHERE a.subscription_id = s.id AND a.agent_uuid = ?))")
            bindings.append(.text(agent))
        }
        if let event = query.event {
            conditions.append("EXISTS (SELECT 1 FROM subscription_events e WHERE e.subscription_id = s.id AND e.event_type = ?)")
            bindings.append(.text(event))
        }
        if let afterCreated = query.afterCreated, let afterID = query.afterID {
            conditions.append("(s.created_at > ? OR (s.created_at = ? AND s.id > ?))")
            bindings += [.of(afterCreated), .of(afterCreated), .of(afterID)]
        }
        let direction = query.descending ? "DESC" : "ASC"
        let order: String
        let name = db.dialect.caseless("s.name")
        switch query.sort {
        case .name: order = "\(name) \(direction), s.id \(direction)"
        case .url: order = "s.url \(direction), s.id \(direction)"
        case .status:
            order =
                "(CASE WHEN s.disabled_reason IS NOT NULL THEN 2 WHEN s.active = 1 THEN 0 ELSE 1 END) \(direction), \(name), s.id"
        case .events: order = "s.event_count \(direction), s.id \(direction)"
        case .created: order = "s.created_at \(direction), s.id \(direction)"
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let page = max(1, query.page)
        bindings += [.of(query.pageSize + 1), .of((page - 1) * query.pageSize)]
        let rows = try db.query(
            "SELECT \(Self.columns) FROM subscriptions s \(whereClause) ORDER BY \(order) LIMIT ? OFFSET ?", bindings)
        let shown = try rows.prefix(query.pageSize).map { row throws(StoreError) in try Self.subscription(from: row) }
        // The page's agent scopes in one statement (not one per row), in name order per subscription.
        var agents: [Int: [(uuid: String, name: String)]] = [:]
        if !shown.isEmpty {
            let agentRows = try db.query(
                """
                SELECT sa.subscription_id AS id, a.uuid, a.name FROM subscription_agents sa JOIN agents a ON a.uuid = sa.agent_uuid
                WHERE sa.subscription_id IN (SELECT CAST(j.value AS BIGINT) FROM \(db.dialect.integerTable("j")))
                ORDER BY sa.subscription_id, \(db.dialect.caseless("a.name"))
                """, [db.dialect.integers(shown.map(\.id))])
            for row in agentRows {
                agents[try row.int("id"), default: []].append((try row.text("uuid"), try row.text("name")))
            }
        }
        var result: [InventoryRow] = []
        result.reserveCapacity(shown.count)
        for var subscription in shown {
            let scope = agents[subscription.id] ?? []
            subscription.agentUUIDs = scope.map(\.uuid)
            result.append(InventoryRow(subscription: subscription, agentNames: scope.map(\.name)))
        }
        return InventoryPage(rows: result, hasNextPage: rows.count > query.pageSize, query: query)
    }

    public func count() throws -> Int {
        try db.query("SELECT count(*) AS count FROM subscriptions").first?.int("count") ?? 0
    }

    static func escapeLike(_ text: String) -> String {
        var out = ""
        for c in text {
            if c == "%" || c == "_" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out
    }

    // MARK: Changing

    /// The subscription created by the form submission `token`, if that form was already submitted.
    public func createdBy(token: String) throws -> Int? {
        try db.query("SELECT id FROM subscriptions WHERE creation_token = ?", [.text(token)]).first?.int("id")
    }

    /// Creates a subscription. `secret` is stored as given (generated by the caller); with a
    /// `revealBinding`, a one-time reveal of it is created in the same transaction.
    /// `creationToken` identifies the form submission: when that form was already saved — even
    /// by a request running at the same moment — nothing is created and the first one is named.
    public func create(
        _ draft: SubscriptionDraft, secret: String?, creationToken: String? = nil, revealBinding: String? = nil, actor: String, now: Int
    ) throws -> Creation {
        try db.transaction {
            // Inside the write lock (BEGIN IMMEDIATE), so two submissions of one form cannot both pass.
            if let creationToken, let existing = try createdBy(token: creationToken) {
                return Creation(id: existing, isNew: false, revealToken: nil)
            }
            // Ids are never reused: a deleted webhook's id stays in the audit log, and the next id
            // is past both, so old links, stale forms and audit entries never name another webhook.
            let nextID = db.dialect.greatest(
                "coalesce((SELECT max(id) FROM subscriptions), 0)", "coalesce((SELECT max(subscription_id) FROM audit_log), 0)")
            let id = try db.insert(
                """
                INSERT INTO subscriptions (id, name, url, active, signature_scheme, secret, creation_token, created_at, updated_at)
                VALUES (\(nextID) + 1, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(draft.name), .text(draft.url), .of(draft.active), .of(draft.signatureScheme), .of(secret),
                    .of(creationToken), .of(now), .of(now),
                ])
            try replaceScope(id: id, draft: draft)
            var changes = AuditChanges()
            changes.add("name", nil, draft.name)
            changes.add("url", nil, draft.url)
            changes.add("active", nil, draft.active ? "yes" : "no")
            changes.add("signature_scheme", nil, draft.signatureScheme.rawValue)
            changes.add("events", nil, draft.eventTypes.sorted().joined(separator: ", "))
            changes.add("agents", nil, try agentLabel(draft.agentUUIDs))
            changes.add("secret", nil, secret == nil ? "not set" : "generated")
            try AuditLog(db).record(actor: actor, action: .create, subscriptionID: id, name: draft.name, changes: changes, now: now)
            let reveal = try revealBinding.flatMap { binding in
                try secret.map { try createReveal(subscriptionID: id, secret: $0, binding: binding, now: now) }
            }
            return Creation(id: id, isNew: true, revealToken: reveal)
        }
    }

    /// Saves an edit made on top of `expectedVersion`; throws `.conflict` when someone saved in between.
    public func update(id: Int, with draft: SubscriptionDraft, expectedVersion: Int, actor: String, now: Int) throws(ChangeError) {
        do {
            try db.transaction {
                guard let current = try find(id: id) else { throw ChangeError.notFound }
                guard current.version == expectedVersion else { throw ChangeError.conflict(current) }
                var changes = AuditChanges()
                changes.add("name", current.name, draft.name)
                changes.add("url", current.url, draft.url)
                changes.add("active", current.active ? "yes" : "no", draft.active ? "yes" : "no")
                changes.add("signature_scheme", current.signatureScheme.rawValue, draft.signatureScheme.rawValue)
                changes.add(
                    "events", current.eventTypes.sorted().joined(separator: ", "), draft.eventTypes.sorted().joined(separator: ", "))
                changes.add("agents", try agentLabel(current.agentUUIDs), try agentLabel(draft.agentUUIDs))
                // Re-enabling by hand clears an automatic disable (a change even when `active` was already 1).
                let clearsDisable = draft.active && current.disabledReason != nil
                if clearsDisable, let reason = current.disabledReason { changes.add("disabled", reason, "cleared") }
                guard !changes.isEmpty else { return }
                try db.run(
                    """
                    UPDATE subscriptions SET name = ?, url = ?, active = ?, signature_scheme = ?, version = version + 1, updated_at = ?,
                        disabled_reason = CASE WHEN ? = 1 THEN NULL ELSE disabled_reason END,
                        disabled_at = CASE WHEN ? = 1 THEN NULL ELSE disabled_at END,
                        failing_since = CASE WHEN ? = 1 THEN NULL ELSE failing_since END
                    WHERE id = ?
                    """,
                    [
                        .text(draft.name), .text(draft.url), .of(draft.active), .of(draft.signatureScheme), .of(now),
                        .of(clearsDisable), .of(clearsDisable), .of(clearsDisable), .of(id),
                    ])
                try replaceScope(id: id, draft: draft)
                if !draft.active { try DeliveryLog.holdPending(db, subscriptionID: id) }
                try AuditLog(db).record(actor: actor, action: .update, subscriptionID: id, name: draft.name, changes: changes, now: now)
            }
        } catch let error as ChangeError {
            throw error
        } catch {
            throw .failed(String(describing: error))
        }
    }

    /// Turns a subscription on or off from the inventory. Turning it on clears an automatic disable.
    public func setActive(id: Int, active: Bool, expectedVersion: Int?, actor: String, now: Int) throws(ChangeError) {
        do {
            try db.transaction {
                guard let current = try find(id: id) else { throw ChangeError.notFound }
                if let expectedVersion, current.version != expectedVersion { throw ChangeError.conflict(current) }
                guard current.active != active || (active && current.disabledReason != nil) else { return }
                try db.run(
                    """
                    UPDATE subscriptions SET active = ?, version = version + 1, updated_at = ?,
                        disabled_reason = CASE WHEN ? = 1 THEN NULL ELSE disabled_reason END,
                        disabled_at = CASE WHEN ? = 1 THEN NULL ELSE disabled_at END,
                        failing_since = CASE WHEN ? = 1 THEN NULL ELSE failing_since END
                    WHERE id = ?
                    """, [.of(active), .of(now), .of(active), .of(active), .of(active), .of(id)])
                if !active { try DeliveryLog.holdPending(db, subscriptionID: id) }
                var changes = AuditChanges()
                changes.add("active", current.active ? "yes" : "no", active ? "yes" : "no")
                if active, let reason = current.disabledReason { changes.add("disabled", reason, "cleared") }
                try AuditLog(db).record(
                    actor: actor, action: active ? .activate : .deactivate, subscriptionID: id, name: current.name,
                    changes: changes, now: now)
            }
        } catch let error as ChangeError {
            throw error
        } catch {
            throw .failed(String(describing: error))
        }
    }

    /// Deletes a subscription with its events, agents and delivery log.
    public func delete(id: Int, expectedVersion: Int?, actor: String, now: Int) throws(ChangeError) {
        do {
            try db.transaction {
                guard let current = try find(id: id) else { throw ChangeError.notFound }
                if let expectedVersion, current.version != expectedVersion { throw ChangeError.conflict(current) }
                try db.run("DELETE FROM subscriptions WHERE id = ?", [.of(id)])
                var changes = AuditChanges()
                changes.add("name", current.name, nil)
                changes.add("url", current.url, nil)
                try AuditLog(db).record(actor: actor, action: .delete, subscriptionID: id, name: current.name, changes: changes, now: now)
            }
        } catch let error as ChangeError {
            throw error
        } catch {
            throw .failed(String(describing: error))
        }
    }

    /// Sets a new secret (keeping the old one signing until `graceUntil`), or removes it when `newSecret` is nil.
    /// Returns a one-time reveal token, bound to `revealBinding`, when a secret was set.
    public func replaceSecret(
        id: Int, newSecret: String?, graceUntil: Int?, revealBinding: String, actor: String, now: Int
    ) throws(ChangeError) -> String? {
        do {
            return try db.transaction {
                guard let current = try find(id: id) else { throw ChangeError.notFound }
                let keepOld = newSecret != nil && current.secret != nil && (graceUntil ?? 0) > now
                try db.run(
                    """
                    UPDATE subscriptions SET secret = ?, previous_secret = ?, previous_secret_expires_at = ?,
                        version = version + 1, updated_at = ? WHERE id = ?
                    """,
                    [.of(newSecret), keepOld ? .of(current.secret) : .null, keepOld ? .of(graceUntil) : .null, .of(now), .of(id)])
                var changes = AuditChanges()
                let action: AuditAction
                if newSecret == nil {
                    action = .removeSecret
                    changes.add("secret", current.secret == nil ? "not set" : "set", "not set")
                } else {
                    action = current.secret == nil ? .generateSecret : .regenerateSecret
                    changes.add(
                        "secret", current.secret == nil ? "not set" : "set",
                        keepOld ? "regenerated (previous secret signs until \(Timestamp.iso(graceUntil!)))" : "generated")
                }
                try AuditLog(db).record(actor: actor, action: action, subscriptionID: id, name: current.name, changes: changes, now: now)
                guard let newSecret else { return nil }
                return try createReveal(subscriptionID: id, secret: newSecret, binding: revealBinding, now: now)
            }
        } catch let error as ChangeError {
            throw error
        } catch {
            throw .failed(String(describing: error))
        }
    }

    // MARK: One-time reveal

    /// Stores a secret for exactly one display and returns the token that unlocks it.
    ///
    /// The token alone is not enough: only the hash of the token together with `binding` (the
    /// admin's browser, i.e. its CSRF cookie) is stored, so a leaked link is useless in another
    /// browser — it can neither show nor burn the secret — and the table holds no usable token.
    public func createReveal(subscriptionID: Int, secret: String, binding: String, now: Int) throws -> String {
        let token = Identifier.token()
        try db.run("DELETE FROM secret_reveals WHERE created_at < ?", [.of(now - 900)])
        try db.run(
            "INSERT INTO secret_reveals (token, subscription_id, secret, created_at) VALUES (?, ?, ?, ?)",
            [.text(Self.revealKey(token: token, binding: binding)), .of(subscriptionID), .text(secret), .of(now)])
        return token
    }

    /// Returns the secret for `token` in the browser `binding` once and forgets it; nil when
    /// already shown, expired (15 minutes), or asked for by another browser.
    public func consumeReveal(token: String, binding: String, subscriptionID: Int, now: Int) throws -> String? {
        let key = Self.revealKey(token: token, binding: binding)
        return try db.transaction {
            let row = try db.query(
                "SELECT secret, created_at FROM secret_reveals WHERE token = ? AND subscription_id = ?",
                [.text(key), .of(subscriptionID)]
            ).first
            guard let row else { return nil }
            try db.run("DELETE FROM secret_reveals WHERE token = ?", [.text(key)])
            guard try row.int("created_at") >= now - 900 else { return nil }
            return try row.text("secret")
        }
    }

    /// What `secret_reveals.token` holds: hex SHA-256 of the token and its binding.
    static func revealKey(token: String, binding: String) -> String {
        Hex.encode(SHA256.hash(Array((token + "\n" + binding).utf8)))
    }

    // MARK: Helpers

    private func replaceScope(id: Int, draft: SubscriptionDraft) throws {
        try db.run("DELETE FROM subscription_events WHERE subscription_id = ?", [.of(id)])
        try db.run("DELETE FROM subscription_agents WHERE subscription_id = ?", [.of(id)])
        for event in Set(draft.eventTypes) {
            try db.run("INSERT INTO subscription_events (subscription_id, event_type) VALUES (?, ?)", [.of(id), .text(event)])
        }
        for agent in Set(draft.agentUUIDs) {
            try db.run("INSERT INTO subscription_agents (subscription_id, agent_uuid) VALUES (?, ?)", [.of(id), .text(agent)])
        }
        try db.run(
            "UPDATE subscriptions SET event_count = ?, agent_count = ? WHERE id = ?",
            [.of(Set(draft.eventTypes).count), .of(Set(draft.agentUUIDs).count), .of(id)])
    }

    private func agentLabel(_ uuids: [String]) throws -> String {
        if uuids.isEmpty { return "All Agents" }
        var names: [String] = []
        for uuid in uuids.sorted() {
            names.append(try db.query("SELECT name FROM agents WHERE uuid = ?", [.text(uuid)]).first?.text("name") ?? uuid)
        }
        return names.sorted().joined(separator: ", ")
    }
}

/// Why a change was not made.
public enum ChangeError: Error {
    case notFound
    /// Someone saved in between; carries the current values to show.
    case conflict(Subscription)
    case failed(String)
}
