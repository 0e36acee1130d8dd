import HooklineSigning

/// The PostgreSQL migrations: step for step what ``Schema/migrations`` does for SQLite, in
/// PostgreSQL's types (`BIGINT` keys and unix-second times, `BIGSERIAL` for generated ids,
/// `DOUBLE PRECISION`), with the same names, so the store's statements run on both. Flags
/// stay 0/1 integers. Searching uses `pg_trgm` indexes where the server has the extension.
enum PostgreSQLSchema {
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
        CREATE INDEX agents_by_name ON agents (lower(name));
        CREATE TABLE event_types (
            name TEXT PRIMARY KEY,
            group_name TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            sample_data TEXT NOT NULL DEFAULT '{}',
            position BIGINT NOT NULL DEFAULT 0
        );
        CREATE TABLE subscriptions (
            id BIGINT PRIMARY KEY,
            name TEXT NOT NULL,
            url TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1,
            signature_scheme TEXT NOT NULL DEFAULT '\(SignatureScheme.hookline.rawValue)',
            secret TEXT,
            previous_secret TEXT,
            previous_secret_expires_at BIGINT,
            disabled_reason TEXT,
            disabled_at BIGINT,
            failing_since BIGINT,
            event_count BIGINT NOT NULL DEFAULT 0,
            agent_count BIGINT NOT NULL DEFAULT 0,
            last_delivery_at BIGINT,
            last_delivery_outcome TEXT,
            last_delivery_status BIGINT,
            version BIGINT NOT NULL DEFAULT 1,
            creation_token TEXT UNIQUE,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        );
        CREATE INDEX subscriptions_by_name ON subscriptions (lower(name), id);
        CREATE INDEX subscriptions_by_url ON subscriptions (url, id);
        CREATE INDEX subscriptions_by_events ON subscriptions (event_count, id);
        CREATE INDEX subscriptions_by_created ON subscriptions (created_at, id);
        CREATE TABLE subscription_events (
            subscription_id BIGINT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
            event_type TEXT NOT NULL REFERENCES event_types (name),
            PRIMARY KEY (subscription_id, event_type)
        );
        CREATE INDEX subscription_events_by_type ON subscription_events (event_type, subscription_id);
        CREATE TABLE subscription_agents (
            subscription_id BIGINT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
            agent_uuid TEXT NOT NULL REFERENCES agents (uuid),
            PRIMARY KEY (subscription_id, agent_uuid)
        );
        CREATE INDEX subscription_agents_by_agent ON subscription_agents (agent_uuid, subscription_id);
        CREATE TABLE audit_log (
            id BIGSERIAL PRIMARY KEY,
            at BIGINT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            subscription_id BIGINT,
            subscription_name TEXT NOT NULL DEFAULT '',
            changes TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX audit_by_subscription ON audit_log (subscription_id, id);
        CREATE TABLE secret_reveals (
            token TEXT PRIMARY KEY,
            subscription_id BIGINT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
            secret TEXT NOT NULL,
            created_at BIGINT NOT NULL
        );
        """,
        // 2: events, deliveries and every attempt.
        """
        CREATE TABLE events (
            event_id TEXT PRIMARY KEY,
            event_type TEXT NOT NULL,
            agent_uuid TEXT,
            body TEXT NOT NULL,
            created_at BIGINT NOT NULL
        );
        CREATE TABLE deliveries (
            id BIGSERIAL PRIMARY KEY,
            subscription_id BIGINT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
            event_id TEXT NOT NULL,
            event_type TEXT NOT NULL,
            body TEXT NOT NULL,
            is_test INTEGER NOT NULL DEFAULT 0,
            state TEXT NOT NULL DEFAULT '\(DeliveryState.pending.rawValue)',
            attempts BIGINT NOT NULL DEFAULT 0,
            next_attempt_at BIGINT,
            created_at BIGINT NOT NULL
        );
        CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
        CREATE INDEX deliveries_by_subscription ON deliveries (subscription_id, id);
        CREATE TABLE delivery_attempts (
            id BIGSERIAL PRIMARY KEY,
            delivery_id BIGINT NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
            subscription_id BIGINT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
            attempt BIGINT NOT NULL,
            at BIGINT NOT NULL,
            url TEXT NOT NULL,
            request_headers TEXT NOT NULL,
            request_body TEXT NOT NULL,
            status_code BIGINT,
            latency_ms DOUBLE PRECISION NOT NULL DEFAULT 0,
            outcome TEXT NOT NULL,
            message TEXT NOT NULL DEFAULT '',
            response_excerpt TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX attempts_by_subscription ON delivery_attempts (subscription_id, id);
        CREATE INDEX attempts_by_delivery ON delivery_attempts (delivery_id, id);
        """,
        // 3: worker leases (DESIGN §10); claims use FOR UPDATE SKIP LOCKED.
        """
        ALTER TABLE deliveries ADD COLUMN claimed_until BIGINT;
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
            id BIGSERIAL PRIMARY KEY,
            name TEXT NOT NULL,
            scope TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            created_by TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            last_used_at BIGINT,
            revoked_at BIGINT
        );
        CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (name) WHERE revoked_at IS NULL;
        """,
        // 6: the inventory's search: trigram indexes over name and URL serve `ILIKE '%text%'`.
        // pg_trgm ships with PostgreSQL (contrib) and is a trusted extension, so the database
        // owner may create it; where it cannot be created the search still works, by a scan.
        """
        DO $$
        BEGIN
            BEGIN
                CREATE EXTENSION IF NOT EXISTS pg_trgm;
            EXCEPTION WHEN OTHERS THEN
                RAISE WARNING 'pg_trgm is not available (%); the inventory search will scan', SQLERRM;
            END;
            IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
                CREATE INDEX subscriptions_search_name ON subscriptions USING gin (name gin_trgm_ops);
                CREATE INDEX subscriptions_search_url ON subscriptions USING gin (url gin_trgm_ops);
            END IF;
        END
        $$;
        """,
        // 7: operations (DESIGN §9): finished_at, the alerted failing episode, the metrics counters.
        """
        ALTER TABLE deliveries ADD COLUMN finished_at BIGINT;
        UPDATE deliveries SET finished_at = coalesce(
            (SELECT max(a.at) FROM delivery_attempts a WHERE a.delivery_id = deliveries.id), created_at)
        WHERE state IN ('\(DeliveryState.succeeded.rawValue)', '\(DeliveryState.failed.rawValue)', '\(DeliveryState.cancelled.rawValue)');
        CREATE INDEX deliveries_finished ON deliveries (finished_at) WHERE finished_at IS NOT NULL;
        ALTER TABLE subscriptions ADD COLUMN failing_alerted_since BIGINT;
        CREATE INDEX subscriptions_failing ON subscriptions (failing_since) WHERE failing_since IS NOT NULL;
        CREATE INDEX subscriptions_by_status ON subscriptions (active, (disabled_reason IS NOT NULL));
        CREATE TABLE delivery_metrics (
            name TEXT NOT NULL,
            label TEXT NOT NULL DEFAULT '',
            value DOUBLE PRECISION NOT NULL DEFAULT 0,
            PRIMARY KEY (name, label)
        );
        INSERT INTO delivery_metrics (name, label, value)
            SELECT '\(Metrics.outcomeCounter)', outcome, count(*) FROM delivery_attempts GROUP BY outcome;
        INSERT INTO delivery_metrics (name, label, value)
            SELECT '\(Metrics.durationBucket)', \(Metrics.bucketExpression("latency_ms")), count(*) FROM delivery_attempts GROUP BY 2;
        INSERT INTO delivery_metrics (name, label, value)
            SELECT '\(Metrics.durationSum)', '', coalesce(sum(latency_ms), 0) / 1000.0 FROM delivery_attempts;
        """,
    ]
}
