import HooklineCore
import HooklineSigning
import HooklineStore
import HooklineTestSupport
import Testing

@Suite("The hookline command line")
struct CLITests {
    static let agent = "5d0f8a2c-6b1e-4f37-9a58-2c7d41e0b9a1"

    @Test("init creates the database and names the organization")
    func initCreatesTheDatabase() throws {
        let cli = try CLIRunner()
        let result = try cli.run("init")
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.hasPrefix("database ready: \(cli.database.location) (schema version \(Schema.currentVersion))\n"))
        #expect(result.output.contains("organization: My Organization ("))
        #expect(result.errors.isEmpty)
    }

    @Test("agents add, rename and list")
    func agents() throws {
        let cli = try CLIRunner()
        #expect(try cli.run("agents", "list").output == "no agents yet — add one with: hookline agents add UUID NAME\n")
        #expect(try cli.run("agents", "add", Self.agent, "Support").output == "added agent Support (\(Self.agent))\n")
        #expect(
            try cli.run("agents", "add", Self.agent.uppercased(), "Support Line").output == "renamed agent Support Line (\(Self.agent))\n")
        let list = try cli.run("agents", "list")
        #expect(list.status == 0)
        #expect(list.output == "\(Self.agent)  Support Line\n")
    }

    @Test("agents import is all or nothing and counts what was new")
    func agentsImport() throws {
        let cli = try CLIRunner()
        let good = cli.directory.write("agents.csv", "uuid,name\n\(Self.agent),Support Line\n9b3e6c14-2d7a-4e85-b0f2-71a4c8d35e62,Sales\n")
        #expect(try cli.run("agents", "import", good).output == "imported 2 agents (2 new, 0 updated)\n")
        let bad = cli.directory.write("bad.csv", "\(Self.agent),Renamed\nnot-a-uuid,Broken\n")
        let refused = try cli.run("agents", "import", bad)
        #expect(refused.status == 1)
        #expect(refused.errors == "hookline: \(bad): entry 2: “not-a-uuid” is not a UUID\n")
        #expect(try cli.run("agents", "list").output.contains("Support Line"))
    }

    @Test("events list shows the catalogue by group")
    func eventsList() throws {
        let result = try CLIRunner().run("events", "list")
        #expect(result.status == 0)
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "Conversation")
        #expect(lines.contains { $0.hasPrefix("  conversation.ended  A conversation has finished") })
        #expect(lines.contains { $0.hasPrefix("  conversation.started  ") })
        #expect(lines.contains { $0.hasPrefix("  conversation.analysis.completed  ") })
    }

    @Test("emit, deliver --once to a local receiver, and verify what it received")
    func emitDeliverVerify() throws {
        let cli = try CLIRunner()
        let receiver = try ReceiverProcess()
        defer { receiver.stop() }
        #expect(try cli.run("init").status == 0)
        #expect(try cli.run("agents", "add", Self.agent, "Support Line").status == 0)
        let secret = try SigningSecret.generate()
        let store = try Store.open(cli.database.location)
        _ = try store.subscriptions.create(
            SubscriptionDraft(
                name: "CRM sync", url: receiver.url("/ok"), active: true, signatureScheme: .hookline, eventTypes: ["conversation.ended"],
                agentUUIDs: []),
            secret: secret, creationToken: nil, revealBinding: nil, actor: "test", now: Timestamp.now())

        let emitted = try cli.run("emit", "conversation.ended", "--agent", Self.agent, "--id", "evt-cli-1")
        #expect(emitted.status == 0, "\(emitted.errors)")
        #expect(emitted.output == "emitted conversation.ended evt-cli-1 to 1 webhook\n")
        let again = try cli.run("emit", "conversation.ended", "--id", "evt-cli-1")
        #expect(again.output == "emitted conversation.ended evt-cli-1 to 0 webhooks\n")

        let delivered = try cli.run("deliver", "--once")
        #expect(delivered.status == 0, "\(delivered.errors)")
        #expect(delivered.output == "delivered 1 attempt\n")
        let request = try #require(receiver.requests().first)
        #expect(receiver.requests().count == 1)
        #expect(request.header("X-Webhook-Id") == "evt-cli-1")
        #expect(request.header("X-Webhook-Event") == "conversation.ended")
        #expect(String(decoding: request.body, as: UTF8.self).contains(#""agent_name":"Support Line""#))

        let headers = cli.directory.write("headers.txt", request.headers.map { "\($0.name): \($0.value)\n" }.joined())
        let body = cli.directory.write("body.json", request.body)
        let valid = try cli.run(["verify", "--secret", secret, "--headers", headers, "--body", body], withConfig: false)
        #expect(valid.status == 0, "\(valid.output)")
        #expect(valid.output.hasPrefix("valid: hookline signature matches"))
        let forged = try cli.run(
            ["verify", "--secret", try SigningSecret.generate(), "--headers", headers, "--body", body], withConfig: false)
        #expect(forged.status == 1)
        #expect(!forged.output.hasPrefix("valid"))
    }

    @Test("Errors exit non-zero with a message that says what to do")
    func errors() throws {
        let cli = try CLIRunner()
        let unknown = try cli.run("frobnicate")
        #expect(unknown.status == 2)
        #expect(unknown.errors.hasPrefix("hookline: unknown command “frobnicate”"))
        #expect(unknown.errors.contains("usage: hookline"))

        let missingConfig = try cli.run(["--config", cli.directory.file("missing.conf"), "init"], withConfig: false)
        #expect(missingConfig.status == 1)
        #expect(missingConfig.errors.hasPrefix("hookline: cannot use the configuration: "))
        #expect(missingConfig.errors.contains(cli.directory.file("missing.conf")))

        let unknownEvent = try cli.run("emit", "conversation.paused")
        #expect(unknownEvent.status == 1)
        #expect(unknownEvent.errors == "hookline: “conversation.paused” is not in the event catalogue (see `hookline events list`)\n")

        let unknownAgent = try cli.run("emit", "conversation.ended", "--agent", Self.agent)
        #expect(unknownAgent.status == 1)
        #expect(unknownAgent.errors.contains("is not an agent of this account (see `hookline agents list`)"))

        let badAgent = try cli.run("agents", "add", "not-a-uuid", "Name")
        #expect(badAgent.status == 1)
        #expect(badAgent.errors == "hookline: “not-a-uuid” is not a UUID\n")

        let badFlag = try cli.run("deliver", "--forever")
        #expect(badFlag.status == 2)
        #expect(
            badFlag.errors == "hookline: unexpected argument “--forever”; usage: hookline deliver [--once] [--lease SECONDS] [--batch N]\n")

        let unwritable = try CLIRunner(extraConfig: "")
        unwritable.directory.write("hookline.conf", "database = /nonexistent-dir/hookline.db\n")
        let cannotOpen = try unwritable.run("init")
        #expect(cannotOpen.status == 1)
        #expect(cannotOpen.errors.contains("must exist and be writable by this user"))
    }
}

@Suite("Hostile names at the command line")
struct CLIHostileInputTests {
    @Test("--version prints the one version")
    func version() throws {
        let result = try CLIRunner().run("--version")
        #expect(result.status == 0)
        #expect(result.output == "hookline \(Hookline.version)\n")
    }

    @Test("imports refuse invisible and control characters, NUL included, and change nothing")
    func importsRefuseInvisibleCharacters() throws {
        let cli = try CLIRunner()
        for (index, name) in ["Evil\u{202E}gnp.exe", "Tab\u{0}NUL", "Line\u{2028}break", "\u{1B}[31mRed"].enumerated() {
            let file = cli.directory.write("agents\(index).csv", "5d0f8a2c-6b1e-4f37-9a58-2c7d41e0b9a1,\(name)\n")
            let refused = try cli.run("agents", "import", file)
            #expect(refused.status == 1, "\(name.debugDescription) was accepted")
            #expect(refused.errors.contains("invisible or control character"))
        }
        #expect(try cli.run("agents", "list").output.hasPrefix("no agents yet"))
        let combining = String(repeating: "e\u{301}\u{301}\u{301}", count: 150)  // 150 characters, 600 scalars
        let heavy = cli.directory.write("heavy.csv", "5d0f8a2c-6b1e-4f37-9a58-2c7d41e0b9a1,\(combining)\n")
        #expect(try cli.run("agents", "import", heavy).errors.contains("too many combining marks"))
    }
}

@Suite("Moving an SQLite installation to PostgreSQL")
struct CLIMigrateTests {
    @Test(
        "migrate --to copies subscriptions with secrets, audit, tokens and the delivery log; counts checked; ids go on",
        .postgreSQLOnly)
    func migrateToPostgreSQL() throws {
        let source = try CLIRunner(sqlite: true)
        #expect(try source.run("demo").status == 0)
        #expect(try source.run("tokens", "create", "ingest", "--scope", "ingest").status == 0)
        for index in 0..<3 { #expect(try source.run("emit", "conversation.ended", "--id", "evt-move-\(index)").status == 0) }
        let old = try Store.open(source.database.location)
        let secret = try SigningSecret.generate()
        let id = try old.subscriptions.create(
            SubscriptionDraft(
                name: "Signed", url: "https://signed.example/hook", active: true, signatureScheme: .standardWebhooks,
                eventTypes: ["conversation.ended"], agentUUIDs: []),
            secret: secret, creationToken: nil, revealBinding: nil, actor: "test", now: Timestamp.now()
        ).id

        let target = try CLIRunner()  // a fresh PostgreSQL database
        guard case .postgresql(let uri, _) = target.database.location else { throw CLIError("the target is not PostgreSQL") }
        let moved = try source.run("migrate", "--to", uri)
        #expect(moved.status == 0, "\(moved.errors)")
        #expect(moved.output.contains("  subscriptions: 4 rows\n"))
        #expect(moved.output.contains("every count checked"))

        let new = try Store.open(target.database.location)
        let copied = try #require(try new.subscriptions.find(id: id))
        #expect(copied.secret == secret && copied.signatureScheme == .standardWebhooks && copied.name == "Signed")
        #expect(try new.subscriptions.count() == 4)
        #expect(try new.catalog.organization() == old.catalog.organization())
        #expect(try new.audit.recent(limit: 100, subscriptionID: nil).count == old.audit.recent(limit: 100, subscriptionID: nil).count)
        #expect(try new.tokens.list().map(\.name) == ["ingest"])
        #expect(
            try new.deliveries.due(now: Timestamp.now() + 1, limit: 100).count
                == old.deliveries.due(now: Timestamp.now() + 1, limit: 100).count)
        // Generated ids go on past the copied ones.
        let next = try new.deliveries.createDelivery(
            subscriptionID: id, eventID: "evt-after", eventType: "conversation.ended", body: "{}", isTest: true, due: nil,
            now: Timestamp.now())
        #expect(next > (try old.deliveries.due(now: Timestamp.now() + 1, limit: 100).map(\.id).max() ?? 0))

        // A second run refuses: the target is no longer empty, and nothing changes.
        let again = try source.run("migrate", "--to", uri)
        #expect(again.status == 1)
        #expect(again.errors.contains("the target database is not empty"))
        #expect(try new.subscriptions.count() == 4)
    }
}
