import HooklineTestSupport
import Testing

@testable import HooklineStore

@Suite struct ConfigurationTests {
    @Test func defaultsWithoutSettings() throws {
        let config = try Configuration.parse("", path: "/etc/hookline/hookline.conf")
        #expect(config.databasePath == "/var/lib/hookline/hookline.db")
        #expect(config.allowHTTP == false)
        #expect(config.anonymous == .off)
        #expect(config.timeout == 15)
        #expect(config.secretGracePeriod == 24 * 3600)
        #expect(config.allowedPrivateTargets.isEmpty)
        #expect(config.caBundle == nil)
        #expect(config.sourcePath == "/etc/hookline/hookline.conf")
    }

    @Test func everyKeyIsRead() throws {
        let text = """
            # Hookline dev config
            database = /srv/hookline/data.db
            templates = /usr/share/hookline/templates
            allow_http = yes
            allowed_private_targets = 10.0.0.0/8, 127.0.0.1 ::1/128
            ca_bundle = /etc/ssl/certs/ca.pem
            connect_timeout = 2.5
            timeout = 30
            anonymous = dev
            secret_grace_period = 90m
            """
        let config = try Configuration.parse(text, path: "/etc/hookline/hookline.conf")
        #expect(config.databasePath == "/srv/hookline/data.db")
        #expect(config.templatesDirectory == "/usr/share/hookline/templates")
        #expect(config.allowHTTP)
        #expect(config.allowedPrivateTargets.map(\.description) == ["10.0.0.0/8", "127.0.0.1/32", "::1/128"])
        #expect(config.caBundle == "/etc/ssl/certs/ca.pem")
        #expect(config.connectTimeout == 2.5)
        #expect(config.timeout == 30)
        #expect(config.anonymous == .dev)
        #expect(config.secretGracePeriod == 5400)
    }

    @Test func relativePathsResolveAgainstTheConfigDirectory() throws {
        let text = "database = data/hookline.db\ntemplates = ../templates\nca_bundle = ca.pem\n"
        let config = try Configuration.parse(text, path: "/opt/hookline/etc/hookline.conf")
        #expect(config.databasePath == "/opt/hookline/etc/data/hookline.db")
        #expect(config.templatesDirectory == "/opt/hookline/etc/../templates")
        #expect(config.caBundle == "/opt/hookline/etc/ca.pem")
        let bare = try Configuration.parse("database = h.db", path: "hookline.conf")
        #expect(bare.databasePath == "./h.db")
    }

    @Test func commentsBlankLinesSpacingAndCRLFAreIgnored() throws {
        let text = "# comment\r\n; another comment\r\n\r\n   \t\r\n  ALLOW_HTTP   =   on  \r\n  # indented comment = x\r\ntimeout=5\r\n"
        let config = try Configuration.parse(text, path: "/etc/h.conf")
        #expect(config.allowHTTP)
        #expect(config.timeout == 5)
    }

    @Test func unknownKeyNamesFileAndLine() {
        let error = #expect(throws: ConfigurationError.self) {
            try Configuration.parse("# c\ndatabase = /x.db\ncolour = blue\n", path: "/etc/hookline/hookline.conf")
        }
        #expect(error?.line == 3)
        #expect(error?.description.hasPrefix("/etc/hookline/hookline.conf:3: ") == true)
        #expect(error?.description.contains("colour") == true)
    }

    @Test func duplicateKeyIsAnError() {
        let error = #expect(throws: ConfigurationError.self) {
            try Configuration.parse("timeout = 5\n\nTimeout = 6\n", path: "/h.conf")
        }
        #expect(error?.line == 3)
        #expect(error?.message.contains("twice") == true)
    }

    @Test func lineWithoutEqualsIsAnError() {
        let error = #expect(throws: ConfigurationError.self) { try Configuration.parse("allow_http\n", path: "/h.conf") }
        #expect(error?.line == 1)
        #expect(error?.message.contains("key = value") == true)
    }

    @Test(arguments: ["maybe", "", "2", "yess"])
    func badBoolIsAnError(_ value: String) {
        let error = #expect(throws: ConfigurationError.self) { try Configuration.parse("allow_http = \(value)", path: "/h.conf") }
        #expect(error?.message.contains("allow_http") == true)
    }

    @Test(arguments: [
        ("yes", true), ("TRUE", true), ("on", true), ("1", true), ("no", false), ("False", false), ("off", false), ("0", false),
    ])
    func boolSpellings(_ value: String, _ expected: Bool) throws {
        #expect(try Configuration.parse("allow_http = \(value)", path: "/h.conf").allowHTTP == expected)
    }

    @Test(arguments: [("24h", 86400), ("90m", 5400), ("3600", 3600), ("45s", 45), ("2d", 172800), ("0", 0), ("24H", 86400)])
    func durations(_ value: String, _ seconds: Int) throws {
        #expect(try Configuration.parse("secret_grace_period = \(value)", path: "/h.conf").secretGracePeriod == seconds)
    }

    @Test(arguments: ["1w", "-5", "h", "", "1.5h", "ten", "366d"])
    func badDurationIsAnError(_ value: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try Configuration.parse("secret_grace_period = \(value)", path: "/h.conf")
        }
        #expect(error?.message.contains("24h") == true)
    }

    @Test(arguments: ["10.0.0.0/33", "not-an-ip", "::1/129", "10.0.0/8", "10.0.0.0/", "10.0.0.0/8/8", "/8", "300.1.1.1"])
    func badCIDRIsAnError(_ range: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try Configuration.parse("allowed_private_targets = 127.0.0.1, \(range)", path: "/h.conf")
        }
        #expect(error?.message.contains(range) == true)
    }

    @Test(arguments: ["0", "-1", "301", "soon"])
    func badTimeoutIsAnError(_ value: String) {
        #expect(throws: ConfigurationError.self) { try Configuration.parse("timeout = \(value)", path: "/h.conf") }
        #expect(throws: ConfigurationError.self) { try Configuration.parse("connect_timeout = \(value)", path: "/h.conf") }
    }

    @Test func badAnonymousAndEmptyPathsAreErrors() {
        #expect(throws: ConfigurationError.self) { try Configuration.parse("anonymous = yes", path: "/h.conf") }
        #expect(throws: ConfigurationError.self) { try Configuration.parse("database =", path: "/h.conf") }
        #expect(throws: ConfigurationError.self) { try Configuration.parse("templates = ", path: "/h.conf") }
    }

    @Test func loadReadsTheFileAndNamesAMissingOne() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.write("hookline.conf", "database = hookline.db\nanonymous = dev\n")
        let config = try Configuration.load(path: path)
        #expect(config.databasePath == directory.path + "/hookline.db")
        #expect(config.anonymous == .dev)
        #expect(config.sourcePath == path)

        let error = #expect(throws: ConfigurationError.self) { try Configuration.load(path: directory.path + "/missing.conf") }
        #expect(error?.description.contains(directory.path + "/missing.conf") == true)
        #expect(error?.line == nil)
    }

    @Test func pathPrefersArgumentThenEnvironmentThenDefault() {
        #expect(Configuration.path(argument: "/a.conf", environment: "/b.conf") == "/a.conf")
        #expect(Configuration.path(argument: nil, environment: "/b.conf") == "/b.conf")
        #expect(Configuration.path(argument: "", environment: "") == "/etc/hookline/hookline.conf")
    }
}

@Suite struct ConfigurationDatabaseTests {
    @Test func aPostgreSQLURIIsKeptAndTheQuickLookAgreesWithTheParser() throws {
        let directory = TemporaryDirectory()
        for (text, postgreSQL) in [
            ("database = postgresql://hookline@/hookline?host=/run/postgresql\ndatabase_password_file = pw\n", true),
            ("# database = postgres://x@y/z\n  DATABASE =  postgres://u@h/db  \n", true),
            ("database = hookline.db\n", false),
            ("databases_are = postgresql://nope\n", false),
            ("", false),
        ] {
            let path = directory.write("h.conf", text)
            #expect(Configuration.namesPostgreSQL(path: path) == postgreSQL, "\(text)")
            if let config = try? Configuration.load(path: path) {
                if case .postgresql = config.database { #expect(postgreSQL) } else { #expect(!postgreSQL) }
            }
        }
        let config = try Configuration.load(path: directory.write("h.conf", "database = postgresql://u@/db\ndatabase_password_file = pw\n"))
        #expect(config.database == .postgresql(uri: "postgresql://u@/db", passwordFile: directory.path + "/pw"))
        #expect(!Configuration.namesPostgreSQL(path: directory.path + "/missing.conf"))
    }
}

@Suite struct ConfigurationSafetyTests {
    @Test func publicOriginsAreNormalizedOrRefused() throws {
        let config = try Configuration.parse(
            "public_origin = https://Hooks.Example.com/, http://127.0.0.1:8080 http://[::1]:8080\n", path: "/h.conf")
        #expect(config.publicOrigins == ["https://hooks.example.com", "http://127.0.0.1:8080", "http://[::1]:8080"])
        for bad in [
            "hooks.example.com", "https://hooks.example.com/console", "ftp://x.example", "https://u:p@x.example", "https://x.example?q",
        ] {
            #expect(throws: ConfigurationError.self, "\(bad)") { try Configuration.parse("public_origin = \(bad)\n", path: "/h.conf") }
        }
    }

    @Test func timeoutsAreCappedSoATestSendCannotHoldAWorkerForMinutes() throws {
        #expect(try Configuration.parse("timeout = 30\nconnect_timeout = 30\n", path: "/h.conf").timeout == 30)
        #expect(throws: ConfigurationError.self) { try Configuration.parse("timeout = 31\n", path: "/h.conf") }
        #expect(throws: ConfigurationError.self) { try Configuration.parse("connect_timeout = 300\n", path: "/h.conf") }
    }

    @Test func concurrentTestSendsDefaultToTwo() throws {
        #expect(Configuration().maxConcurrentTestSends == 2)
        #expect(try Configuration.parse("max_concurrent_test_sends = 5\n", path: "/h.conf").maxConcurrentTestSends == 5)
        #expect(throws: ConfigurationError.self) { try Configuration.parse("max_concurrent_test_sends = 0\n", path: "/h.conf") }
    }
}

@Suite("Configuration: operations keys (DESIGN §9)")
struct OperationsConfigurationTests {
    @Test func defaultsAndDurations() throws {
        let defaults = try Configuration.parse("", path: "/etc/hookline/hookline.conf")
        #expect(defaults.deliveryRetention == 30 * 86400)
        #expect(defaults.failingAlertAfter == 3600)
        #expect(defaults.operatorWebhookURL == nil && defaults.notifyCommand == nil)
        let config = try Configuration.parse(
            """
            delivery_retention = 7d
            failing_alert_after = 90m
            operator_webhook_url = https://ops.example.com/hookline
            operator_webhook_secret = whsec_abc
            notify_command = mail -s "Hookline" ops@example.com
            """, path: "/etc/hookline/hookline.conf")
        #expect(config.deliveryRetention == 7 * 86400)
        #expect(config.failingAlertAfter == 5400)
        #expect(config.operatorWebhookURL == "https://ops.example.com/hookline")
        #expect(config.operatorWebhookSecret == "whsec_abc")
        #expect(config.notifyCommand == #"mail -s "Hookline" ops@example.com"#)
    }

    @Test func badValuesNameTheLine() {
        #expect(throws: ConfigurationError.self) { try Configuration.parse("delivery_retention = forever", path: "c") }
        #expect(throws: ConfigurationError.self) { try Configuration.parse("delivery_retention = 0", path: "c") }
        #expect(throws: ConfigurationError.self) { try Configuration.parse("operator_webhook_url = ftp://x", path: "c") }
    }
}
