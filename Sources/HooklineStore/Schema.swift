import HooklineSigning

/// The database schema as an ordered list of migrations keyed by a version number (SQLite's
/// `PRAGMA user_version`, PostgreSQL's `hookline_schema` table). Each engine has its own list
/// (``PostgreSQLSchema``), step for step the same tables, columns and indexes.
///
/// Migrations only ever add: an upgrade runs the ones past the database's version, all in one
/// transaction, and never drops data.
public enum Schema {
    static let migrations: [String] = [
        // 1: the account, the catalogue, subscriptions, the audit log.
        """
        CREATE TABLE organization (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            uuid TEXT NOT NULL,
            name TEXT NOT NULL
        );
        CREATE TABLE agents (
            uuid TEXT PRIMARY KEY,
            name TEXT NOT NULL
        );
        CREATE INDEX agents_by_name ON agents (name COLLATE NOCASE);
        CREATE TABLE event_types (
            name TEXT PRIMARY KEY,
            group_name TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            sample_data TEXT NOT NULL DEFAULT '{}',
            position INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE subscriptions (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            url TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1,
            signature_scheme TEXT NOT NULL DEFAULT '\(SignatureScheme.hookline.rawValue)',
            secret TEXT,
            previous_secret TEXT,
            previous_secret_expires_at INTEGER,
            disabled_reason TEXT,
            disabled_at INTEGER,
            failing_since INTEGER,
            event_count INTEGER NOT NULL DEFAULT 0,
            agent_count INTEGER NOT NULL DEFAULT 0,
            last_delivery_at INTEGER,
            last_delivery_outcome TEXT,
            last_delivery_status INTEGER,
            version INTEGER NOT NULL DEFAULT 1,
            creation_token TEXT UNIQUE,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE INDEX subscriptions_by_name ON subscriptions (name COLLATE NOCASE, id);
        CREATE INDEX subscriptions_by_url ON subscriptions (url, id);
        CREATE INDEX subscriptions_by_events ON subscriptions (event_count, id);
        CREATE INDEX subscriptions_by_created ON subscriptions (created_at, id);
        CREATE TABLE subscription_events (
            subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
            event_type TEXT NOT NULL REFERENCES event_types (name),
            PRIMARY KEY (subscription_id, event_type)
        ) WITHOUT ROWID;
        CREATE INDEX subscription_events_by_type ON subscription_events (event_type, subscription_id);
        CREATE TABLE subscription_agents (
            subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
            agent_uuid TEXT NOT NULL REFERENCES agents (uuid),
            PRIMARY KEY (subscription_id, agent_uuid)
        ) WITHOUT ROWID;
        CREATE INDEX subscription_agents_by_agent ON subscription_agents (agent_uuid, subscription_id);
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at INTEGER NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            subscription_id INTEGER,
            subscription_name TEXT NOT NULL DEFAULT '',
            changes TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX audit_by_subscription ON audit_log (subscription_id, id);
        CREATE TABLE secret_reveals (
            token TEXT PRIMARY KEY,
            subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
            secret TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        """,
        // 2: events, deliveries and every attempt.
        """
        CREATE TABLE events (
            event_id TEXT PRIMARY KEY,
            event_type TEXT NOT NULL,
            agent_uuid TEXT,
            body TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE deliveries (
            id INTEGER PRIMARY KEY,
            subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
            event_id TEXT NOT NULL,
            event_type TEXT NOT NULL,
            body TEXT NOT NULL,
            is_test INTEGER NOT NULL DEFAULT 0,
            state TEXT NOT NULL DEFAULT '\(DeliveryState.pending.rawValue)',
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
        CREATE INDEX deliveries_by_subscription ON deliveries (subscription_id, id);
        CREATE TABLE delivery_attempts (
            id INTEGER PRIMARY KEY,
            delivery_id INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
            subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
            attempt INTEGER NOT NULL,
            at INTEGER NOT NULL,
            url TEXT NOT NULL,
            request_headers TEXT NOT NULL,
            request_body TEXT NOT NULL,
            status_code INTEGER,
            latency_ms REAL NOT NULL DEFAULT 0,
            outcome TEXT NOT NULL,
            message TEXT NOT NULL DEFAULT '',
            response_excerpt TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX attempts_by_subscription ON delivery_attempts (subscription_id, id);
        CREATE INDEX attempts_by_delivery ON delivery_attempts (delivery_id, id);
        """,
        // 3: worker leases (DESIGN §10). A pending delivery whose `claimed_until` lies in the
        // future belongs to the worker holding `claim`; an expired or NULL lease is free.
        """
        ALTER TABLE deliveries ADD COLUMN claimed_until INTEGER;
        ALTER TABLE deliveries ADD COLUMN claim TEXT;
        """,
        // 4: the operations views read the log by time and by result without scanning it.
        """
        CREATE INDEX attempts_by_subscription_time ON delivery_attempts (subscription_id, at);
        CREATE INDEX attempts_by_subscription_success ON delivery_attempts (subscription_id, \(DeliveryLog.succeeded()), at);
        CREATE INDEX attempts_by_result ON delivery_attempts (\(DeliveryLog.succeeded()), id);
        CREATE INDEX attempts_by_time ON delivery_attempts (at, id);
        """,
        // 5: API tokens (only a SHA-256 hash of each token is stored).
        """
        CREATE TABLE api_tokens (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            scope TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            created_by TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            last_used_at INTEGER,
            revoked_at INTEGER
        );
        CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (name) WHERE revoked_at IS NULL;
        """,
        // 6: the inventory's search (`q`) as a trigram index over name and URL: substring
        // matches without reading every row. Triggers keep it current whatever writes the
        // subscriptions (console, API, CLI, SQL by hand); existing rows are indexed here.
        """
        CREATE VIRTUAL TABLE subscriptions_search USING fts5(
            name, url, content = 'subscriptions', content_rowid = 'id', tokenize = 'trigram');
        CREATE TRIGGER subscriptions_search_insert AFTER INSERT ON subscriptions BEGIN
            INSERT INTO subscriptions_search (rowid, name, url) VALUES (new.id, new.name, new.url);
        END;
        CREATE TRIGGER subscriptions_search_delete AFTER DELETE ON subscriptions BEGIN
            INSERT INTO subscriptions_search (subscriptions_search, rowid, name, url) VALUES ('delete', old.id, old.name, old.url);
        END;
        CREATE TRIGGER subscriptions_search_update AFTER UPDATE OF name, url ON subscriptions BEGIN
            INSERT INTO subscriptions_search (subscriptions_search, rowid, name, url) VALUES ('delete', old.id, old.name, old.url);
            INSERT INTO subscriptions_search (rowid, name, url) VALUES (new.id, new.name, new.url);
        END;
        INSERT INTO subscriptions_search (subscriptions_search) VALUES ('rebuild');
        """,
        // 7: operations (DESIGN §9). `finished_at` is when a delivery reached a final state
        // (retention deletes by it); `failing_alerted_since` names the failing episode
        // (`failing_since`) an operator was last told about; `delivery_metrics` keeps the
        // Prometheus counters and histogram buckets, updated with each recorded attempt.
        """
        ALTER TABLE deliveries ADD COLUMN finished_at INTEGER;
        UPDATE deliveries SET finished_at = coalesce(
            (SELECT max(a.at) FROM delivery_attempts a WHERE a.delivery_id = deliveries.id), created_at)
        WHERE state IN ('\(DeliveryState.succeeded.rawValue)', '\(DeliveryState.failed.rawValue)', '\(DeliveryState.cancelled.rawValue)');
        CREATE INDEX deliveries_finished ON deliveries (finished_at) WHERE finished_at IS NOT NULL;
        ALTER TABLE subscriptions ADD COLUMN failing_alerted_since INTEGER;
        CREATE INDEX subscriptions_failing ON subscriptions (failing_since) WHERE failing_since IS NOT NULL;
        CREATE INDEX subscriptions_by_status ON subscriptions (active, disabled_reason IS NOT NULL);
        CREATE TABLE delivery_metrics (
            name TEXT NOT NULL,
            label TEXT NOT NULL DEFAULT '',
            value REAL NOT NULL DEFAULT 0,
            PRIMARY KEY (name, label)
        ) WITHOUT ROWID;
        INSERT INTO delivery_metrics (name, label, value)
            SELECT '\(Metrics.outcomeCounter)', outcome, count(*) FROM delivery_attempts GROUP BY outcome;
        INSERT INTO delivery_metrics (name, label, value)
            SELECT '\(Metrics.durationBucket)', \(Metrics.bucketExpression("latency_ms")), count(*) FROM delivery_attempts GROUP BY 2;
        INSERT INTO delivery_metrics (name, label, value)
            SELECT '\(Metrics.durationSum)', '', total(latency_ms) / 1000.0 FROM delivery_attempts;
        """,
    ]

    /// The number of migrations, spelled out so that opening a current database builds neither
    /// engine's list of migrations (a test checks that both lists have this many steps).
    public static let currentVersion = 7

    /// Brings the database up to `currentVersion`. Safe to call on every open: when the database
    /// is current it costs one read. Refuses a database written by a newer Hookline.
    public static func migrate(_ db: Database) throws {
        let version = try storedVersion(db)
        if version == currentVersion { return }
        try refuseNewer(version, db)
        let steps = db.dialect == .postgresql ? PostgreSQLSchema.migrations : migrations
        precondition(steps.count == currentVersion, "each engine has a migration for every schema version")
        try db.transaction {
            // Re-read inside the write lock: another process may have migrated meanwhile.
            if db.dialect == .postgresql {
                try db.execute(
                    "SET LOCAL client_min_messages = warning; CREATE TABLE IF NOT EXISTS hookline_schema (version INTEGER NOT NULL)")
            }
            let locked = try storedVersion(db)
            try refuseNewer(locked, db)
            for index in locked..<currentVersion {
                try db.execute(steps[index])
                if index == 0 { try Catalog.seedDefaults(db) }
            }
            switch db.dialect {
            case .sqlite: try db.execute("PRAGMA user_version = \(currentVersion)")
            case .postgresql:
                try db.execute("DELETE FROM hookline_schema; INSERT INTO hookline_schema (version) VALUES (\(currentVersion))")
            }
        }
    }

    /// The schema version the database holds (0 when new): SQLite keeps it in `PRAGMA
    /// user_version`, PostgreSQL in the one-row table `hookline_schema`.
    static func storedVersion(_ db: Database) throws(StoreError) -> Int {
        switch db.dialect {
        case .sqlite:
            return try db.query("PRAGMA user_version").first?.int("user_version") ?? 0
        case .postgresql:
            do {
                return try db.query("SELECT max(version) AS version FROM hookline_schema").first?.optionalInt("version") ?? 0
            } catch {
                guard error.code == "42P01" else { throw error }
                return 0  // undefined_table: a database Hookline has not set up yet
            }
        }
    }

    private static func refuseNewer(_ version: Int, _ db: Database) throws {
        guard version <= currentVersion else {
            throw StoreError(
                "the database \(db.path) has schema version \(version), newer than this Hookline (\(currentVersion)); upgrade Hookline")
        }
    }
}
