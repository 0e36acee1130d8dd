import HooklineTestSupport
import Testing

@testable import HooklineStore

@Suite struct DatabaseTests {
    @Test(.sqliteOnly) func freshMigrateSetsCurrentVersion() throws {
        let fixture = try StoreFixture(agents: false)
        #expect(try fixture.scalar("PRAGMA user_version") == Schema.currentVersion)
        #expect(Schema.currentVersion == Schema.migrations.count)
        #expect(Schema.currentVersion == PostgreSQLSchema.migrations.count)
        for table in [
            "subscriptions", "subscription_events", "subscription_agents", "audit_log", "events", "deliveries", "delivery_attempts",
        ] {
            #expect(try fixture.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", [.text(table)]) == 1)
        }
    }

    @Test(.postgreSQLOnly) func freshPostgreSQLMigrateSetsCurrentVersionAndSearchIndexes() throws {
        let fixture = try StoreFixture(agents: false)
        #expect(try fixture.scalar("SELECT version FROM hookline_schema") == Schema.currentVersion)
        #expect(try fixture.scalar("SELECT count(*) FROM hookline_schema") == 1)
        for table in [
            "subscriptions", "subscription_events", "subscription_agents", "audit_log", "events", "deliveries", "delivery_attempts",
            "api_tokens", "delivery_metrics",
        ] {
            #expect(try fixture.scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = ?", [.text(table)]) == 1)
        }
        // pg_trgm ships with Debian's server, so the search has its trigram indexes.
        #expect(try fixture.scalar("SELECT count(*) FROM pg_indexes WHERE indexname LIKE 'subscriptions_search_%'") == 2)
    }

    @Test(.sqliteOnly) func everyConnectionUsesWALForeignKeysAndBusyTimeout() throws {
        let fixture = try StoreFixture(agents: false)
        // A second connection to the same file gets the same settings.
        let second = try Database(path: fixture.db.path)
        for db in [fixture.db, second] {
            #expect(try db.query("PRAGMA journal_mode").first?.text("journal_mode") == "wal")
            #expect(try db.query("PRAGMA foreign_keys").first?.int("foreign_keys") == 1)
            #expect(try db.query("PRAGMA busy_timeout").first?.int("timeout") ?? 0 >= 1000)
        }
    }

    @Test func foreignKeysAreEnforced() throws {
        let fixture = try StoreFixture(agents: false)
        #expect(throws: StoreError.self) {
            try fixture.db.run("INSERT INTO subscription_events (subscription_id, event_type) VALUES (999, 'conversation.ended')")
        }
    }

    @Test func migratingTwiceChangesNothing() throws {
        let fixture = try StoreFixture()
        let id = try fixture.create()
        try Schema.migrate(fixture.db)
        try Schema.migrate(fixture.connect())
        #expect(try Schema.storedVersion(fixture.db) == Schema.currentVersion)
        #expect(try fixture.scalar("SELECT count(*) FROM event_types") == 3)
        #expect(try fixture.scalar("SELECT count(*) FROM organization") == 1)
        #expect(try fixture.store.find(id: id)?.name == "CRM sync")
    }

    @Test func newerDatabaseIsRefused() throws {
        let fixture = try StoreFixture(agents: false)
        switch fixture.db.dialect {
        case .sqlite: try fixture.db.execute("PRAGMA user_version = \(Schema.currentVersion + 1)")
        case .postgresql: try fixture.db.execute("UPDATE hookline_schema SET version = \(Schema.currentVersion + 1)")
        }
        let error = #expect(throws: StoreError.self) { try Schema.migrate(fixture.connect()) }
        #expect(error?.message.contains("newer") == true)
        #expect(try Schema.storedVersion(fixture.db) == Schema.currentVersion + 1)
    }

    @Test(.sqliteOnly) func upgradeFromVersionOneKeepsData() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/old.db"
        do {
            let old = try Database(path: path)
            try old.execute(Schema.migrations[0])
            try old.execute("PRAGMA user_version = 1")
            try old.run("INSERT INTO event_types (name, group_name) VALUES ('conversation.ended', 'Conversation')")
            try old.run(
                "INSERT INTO subscriptions (name, url, secret, event_count, created_at, updated_at) VALUES ('Legacy', 'https://legacy.example/hook', 'whsec_old', 1, 100, 100)"
            )
            try old.run("INSERT INTO subscription_events (subscription_id, event_type) VALUES (1, 'conversation.ended')")
        }
        let db = try Database(path: path)
        try Schema.migrate(db)
        #expect(try db.query("PRAGMA user_version").first?.int("user_version") == Schema.currentVersion)
        let legacy = try #require(try SubscriptionStore(db).find(id: 1))
        #expect(legacy.name == "Legacy")
        #expect(legacy.url == "https://legacy.example/hook")
        #expect(legacy.secret == "whsec_old")
        #expect(legacy.eventTypes == ["conversation.ended"])
        // The version 2 tables work on the upgraded file.
        let created = try DeliveryLog(db).emit(eventID: "e-1", eventType: "conversation.ended", agentUUID: nil, body: "{}", now: 200)
        #expect(created == 1)
    }

    @Test func transactionRollsBackOnError() throws {
        let fixture = try StoreFixture(agents: false)
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try fixture.db.transaction {
                try fixture.db.run("UPDATE organization SET name = 'Changed'")
                throw Stop()
            }
        }
        #expect(try fixture.text("SELECT name FROM organization") == "My Organization")
    }

    @Test func unreachablePostgreSQLExplainsItselfWithoutThePassword() {
        let error = #expect(throws: StoreError.self) {
            try Database(
                .postgresql(uri: "postgresql://hookline:s3cret-pw@/hookline?host=/nonexistent-hookline-socket-dir", passwordFile: nil))
        }
        #expect(error?.message.contains("cannot connect to the database postgresql://hookline:***@/hookline") == true, "\(error!)")
        #expect(error?.message.contains("s3cret-pw") == false)
    }

    @Test(.postgreSQLOnly) func aDroppedPostgreSQLConnectionIsOpenedAgain() throws {
        let fixture = try StoreFixture(agents: false)
        let pid = try fixture.scalar("SELECT pg_backend_pid()")
        let other = try fixture.connect()
        #expect(try other.query("SELECT pg_terminate_backend(CAST(? AS INTEGER)) AS done", [.of(pid)]).first?.bool("done") == true)
        // The statement that met the dropped connection fails; the worker's next round works.
        #expect(throws: StoreError.self) { try fixture.db.query("SELECT 1 AS one") }
        #expect(try fixture.scalar("SELECT count(*) FROM organization") == 1)
        #expect(try fixture.scalar("SELECT pg_backend_pid()") != pid)
    }

    @Test(arguments: [
        ("postgresql://hookline:pw-1234@db/hookline", "postgresql://hookline:***@db/hookline"),
        ("postgresql://hook?line:pw-1234@db/x?sslmode=require", "postgresql://hook?line:***@db/x?sslmode=require"),
        ("postgres://u@h/db?password=pw-1234&sslmode=verify-full", "postgres://u@h/db?password=***&sslmode=verify-full"),
        ("postgresql:///hookline?host=/var/run/postgresql", "postgresql:///hookline?host=/var/run/postgresql"),
    ])
    func postgreSQLURIsAreShownWithoutTheirPassword(_ uri: String, _ shown: String) {
        // Found by the config fuzzer: a `?` in the user name once ended the credentials early.
        #expect(DatabaseLocation.postgresql(uri: uri, passwordFile: nil).description == shown)
    }

    @Test func unopenableDatabaseExplainsWhatToFix() {
        let error = #expect(throws: StoreError.self) { try Database(path: "/nonexistent-hookline-dir/sub/hookline.db") }
        #expect(error?.message.contains("/nonexistent-hookline-dir/sub") == true)
        #expect(error?.message.contains("writable") == true)
    }

    @Test func boundValuesAreNeverInterpretedAsSQL() throws {
        let fixture = try StoreFixture(agents: false)
        let hostile = "x'); DROP TABLE subscriptions; --"
        let id = try fixture.create(hostile)
        #expect(try fixture.store.find(id: id)?.name == hostile)
        #expect(try fixture.scalar("SELECT count(*) FROM subscriptions") == 1)
    }
}
