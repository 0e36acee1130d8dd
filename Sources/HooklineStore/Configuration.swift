import HooklineCore
import HooklineSigning

#if canImport(Glibc)
    import Glibc
#endif

/// The `key = value` configuration file of DESIGN §6.
///
/// Relative paths in the file are resolved against the file's own directory, so a config and
/// its database can move together.
public struct Configuration: Sendable, Equatable {
    public static let defaultPath = "/etc/hookline/hookline.conf"

    /// Whether the console may be used without a web server login.
    public enum AnonymousAccess: String, Sendable { case off, dev }

    /// The `database` key: an SQLite file (relative to the config's directory) or a
    /// `postgresql://` URI; see ``database``.
    public var databasePath = "/var/lib/hookline/hookline.db"
    /// A file holding the PostgreSQL password (`database_password_file`), when it is not in the URI.
    public var databasePasswordFile: String? = nil
    public var templatesDirectory = "/usr/share/hookline/templates"
    public var allowHTTP = false
    public var allowedPrivateTargets: [IPRange] = []
    public var caBundle: String? = nil
    public var connectTimeout: Double = 5
    public var timeout: Double = 15
    public var anonymous: AnonymousAccess = .off
    /// Seconds a replaced secret keeps signing after a regenerate.
    public var secretGracePeriod = 24 * 3600
    /// The origins (`https://hooks.example.com`) the console is served at. When set, a request
    /// for any other `Host` is refused (DNS rebinding), and forms must come from one of them.
    public var publicOrigins: [String] = []
    /// How many test sends and resends may run at once across all CGI processes; more get a
    /// quick 503 instead of tying up the web server's workers.
    public var maxConcurrentTestSends = 2
    /// Upper bounds of `connect_timeout` and `timeout`: a test send holds a web server worker
    /// that long, and the shipped server configs wait 60 s for a CGI.
    public static let maximumConnectTimeout: Double = 30
    public static let maximumTimeout: Double = 30
    /// Finished deliveries (and their attempts) older than this many seconds are deleted by the worker.
    public var deliveryRetention = 30 * 86400
    /// Where the worker POSTs `hookline.subscription.failing` and `.disabled` (DESIGN §9), if set.
    public var operatorWebhookURL: String? = nil
    /// Signs the operator webhook with the `hookline` scheme, when set.
    public var operatorWebhookSecret: String? = nil
    /// A subscription failing this many seconds in a row is reported to the operator, once per episode.
    public var failingAlertAfter = 3600
    /// A shell command run (by `/bin/sh -c`) with each operator notification's JSON on stdin.
    public var notifyCommand: String? = nil
    /// Seconds a `notify_command` may run before it is killed (and the failure logged).
    public var notifyTimeout = 30
    public var sourcePath = ""

    public init() {}

    /// Where the store lives.
    public var database: DatabaseLocation {
        DatabaseLocation.isPostgreSQL(databasePath)
            ? .postgresql(uri: databasePath, passwordFile: databasePasswordFile) : .sqlite(path: databasePath)
    }

    /// The config path: `--config` if given, else `HOOKLINE_CONFIG`, else the default.
    public static func path(argument: String?, environment: String?) -> String {
        if let argument, !argument.isEmpty { return argument }
        if let environment, !environment.isEmpty { return environment }
        return defaultPath
    }

    /// Reads and parses the file at `path`.
    public static func load(path: String) throws(ConfigurationError) -> Configuration {
        let bytes: [UInt8]
        do { bytes = try FileIO.read(path: path) } catch {
            throw ConfigurationError(path: path, line: nil, message: error.message)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigurationError(path: path, line: nil, message: "the file is not UTF-8 text")
        }
        return try parse(text, path: path)
    }

    /// Whether the file at `path` sets `database` to a PostgreSQL URI — a look at its lines
    /// without parsing the rest, for the static console's hand-off before every request (false
    /// for a file that cannot be read: the page explains that).
    public static func namesPostgreSQL(path: String) -> Bool {
        guard let bytes = try? FileIO.read(path: path) else { return false }
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            let text = String(decoding: line, as: UTF8.self).trimmingWhitespace
            guard let eq = text.firstIndex(of: "=") else { continue }
            if text[..<eq].trimmingWhitespace.lowercased() == "database" {
                return DatabaseLocation.isPostgreSQL(text[text.index(after: eq)...].trimmingWhitespace)
            }
        }
        return false
    }

    public static func parse(_ text: String, path: String) throws(ConfigurationError) -> Configuration {
        var config = Configuration()
        config.sourcePath = path
        let base = FileIO.directory(of: path)
        var seen: Set<String> = []
        // Split as bytes (every page request reads the config; splitting into Characters was most
        // of its cost). A CRLF line's "\r" is trimmed with the other whitespace.
        let lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        for (offset, rawLine) in lines.enumerated() {
            let lineNumber = offset + 1
            let line = Substring(rawLine).trimmingWhitespace
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            func fail(_ message: String) -> ConfigurationError {
                ConfigurationError(path: path, line: lineNumber, message: message)
            }
            guard let eq = line.firstIndex(of: "=") else { throw fail("expected `key = value`, found “\(line)”") }
            let key = String(line[..<eq]).trimmingWhitespace.lowercased()
            let value = String(line[line.index(after: eq)...]).trimmingWhitespace
            guard seen.insert(key).inserted else { throw fail("`\(key)` is set twice") }
            func resolved(_ p: String) -> String { p.hasPrefix("/") ? p : base + "/" + p }
            switch key {
            case "database":
                guard !value.isEmpty else { throw fail("`database` needs a path or a postgresql:// URI") }
                config.databasePath = DatabaseLocation.isPostgreSQL(value) ? value : resolved(value)
            case "database_password_file":
                config.databasePasswordFile = value.isEmpty ? nil : resolved(value)
            case "templates":
                guard !value.isEmpty else { throw fail("`templates` needs a directory") }
                config.templatesDirectory = resolved(value)
            case "allow_http":
                guard let b = Self.bool(value) else { throw fail("`allow_http` must be yes or no, not “\(value)”") }
                config.allowHTTP = b
            case "allowed_private_targets":
                var ranges: [IPRange] = []
                for text in value.split(whereSeparator: { $0 == "," || $0 == " " }) {
                    guard let range = IPRange(cidr: String(text)) else {
                        throw fail("“\(text)” in `allowed_private_targets` is not an IP address or CIDR range (e.g. 10.0.0.0/8, ::1/128)")
                    }
                    ranges.append(range)
                }
                config.allowedPrivateTargets = ranges
            case "ca_bundle":
                config.caBundle = value.isEmpty ? nil : resolved(value)
            case "connect_timeout", "timeout":
                let maximum = key == "timeout" ? Self.maximumTimeout : Self.maximumConnectTimeout
                guard let seconds = Double(value), seconds > 0, seconds <= maximum else {
                    throw fail("`\(key)` must be a number of seconds above 0 and at most \(Int(maximum)), not “\(value)”")
                }
                if key == "timeout" { config.timeout = seconds } else { config.connectTimeout = seconds }
            case "public_origin":
                var origins: [String] = []
                for text in value.split(whereSeparator: { $0 == "," || $0 == " " }) {
                    guard let origin = Self.origin(String(text)) else {
                        throw fail("“\(text)” in `public_origin` is not an origin like https://hooks.example.com or http://127.0.0.1:8080")
                    }
                    origins.append(origin)
                }
                config.publicOrigins = origins
            case "max_concurrent_test_sends":
                guard let count = Int(value), count >= 1, count <= 64 else {
                    throw fail("`max_concurrent_test_sends` must be a whole number from 1 to 64, not “\(value)”")
                }
                config.maxConcurrentTestSends = count
            case "anonymous":
                guard let access = AnonymousAccess(rawValue: value.lowercased()) else {
                    throw fail("`anonymous` must be off or dev, not “\(value)”")
                }
                config.anonymous = access
            case "secret_grace_period":
                guard let seconds = Self.duration(value) else {
                    throw fail("`secret_grace_period` must be a duration like 24h, 90m or 3600, not “\(value)”")
                }
                config.secretGracePeriod = seconds
            case "delivery_retention", "failing_alert_after", "notify_timeout":
                guard let seconds = Self.duration(value), seconds > 0 else {
                    throw fail("`\(key)` must be a duration above 0 like 30d, 1h, 90m or 3600, not “\(value)”")
                }
                switch key {
                case "delivery_retention": config.deliveryRetention = seconds
                case "failing_alert_after": config.failingAlertAfter = seconds
                default: config.notifyTimeout = seconds
                }
            case "operator_webhook_url":
                if value.isEmpty {
                    config.operatorWebhookURL = nil
                } else if let problem = TargetURL.problem(with: value, allowHTTP: true) {
                    throw fail("`operator_webhook_url` is not a usable http(s) URL: \(problem)")
                } else {
                    config.operatorWebhookURL = value
                }
            case "operator_webhook_secret":
                config.operatorWebhookSecret = value.isEmpty ? nil : value
            case "notify_command":
                config.notifyCommand = value.isEmpty ? nil : value
            default:
                throw fail("unknown setting `\(key)`")
            }
        }
        return config
    }

    /// `scheme://host[:port]`, lower-cased, when `text` is an http(s) origin without a path.
    static func origin(_ text: String) -> String? {
        var text = text.lowercased()
        if text.hasSuffix("/") { text.removeLast() }
        guard case .success(let url) = TargetURL.parse(text, allowHTTP: true),
            text == url.scheme + "://" + (url.host.contains(":") ? "[\(url.host)]" : url.host) + (url.port.map { ":\($0)" } ?? "")
        else { return nil }
        return text
    }

    static func bool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "yes", "true", "on", "1": true
        case "no", "false", "off", "0": false
        default: nil
        }
    }

    /// `3600`, `90s`, `45m`, `24h`, `2d` → seconds.
    static func duration(_ text: String) -> Int? {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        var digits = text.lowercased()
        var factor = 1
        if let last = digits.last, let unit = units[last] {
            factor = unit
            digits.removeLast()
        }
        guard let n = Int(digits.trimmingWhitespace), n >= 0, n <= 365 * 86400 / factor else { return nil }
        return n * factor
    }
}

/// A configuration problem, naming the file and line.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let line: Int?
    public let message: String

    public var description: String {
        "\(path)\(line.map { ":\($0)" } ?? ""): \(message)"
    }
}

/// File helpers for configs and imports.
public enum FileIO {
    public static func read(path: String) throws(StoreError) -> [UInt8] {
        switch FileContents.read(path: path) {
        case .success(let bytes): return bytes
        case .failure(let failure): throw StoreError(failure.message)
        }
    }

    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }
}
