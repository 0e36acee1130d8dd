import HooklineCore
import HooklineSigning

/// What an API token may do (DESIGN §8). `admin` covers every endpoint.
public enum TokenScope: String, Sendable, CaseIterable {
    case ingest, admin, metrics

    /// True when a token of this scope may call an endpoint that needs `required`.
    public func covers(_ required: TokenScope) -> Bool {
        self == .admin || self == required
    }

    public var label: String {
        switch self {
        case .ingest: "Ingest (POST events, read the catalogue and agents)"
        case .admin: "Admin (everything)"
        case .metrics: "Metrics (read metrics)"
        }
    }
}

/// An API token as stored: never the token itself, only who made it and when it was used.
public struct APIToken: Sendable, Equatable {
    public let id: Int
    public let name: String
    public let scope: TokenScope
    public let createdBy: String
    public let createdAt: Int
    public let lastUsedAt: Int?
    public let revokedAt: Int?

    /// How changes made with this token are audited: `token:<name>`.
    public var actor: String { "token:" + name }
}

/// A token just made: the secret text (shown once) and what is stored about it.
public struct NewAPIToken: Sendable {
    public let token: String
    public let stored: APIToken
}

/// Why a token could not be made or revoked, with a message for the field.
public enum TokenError: Error, Equatable, CustomStringConvertible {
    case invalidName(String)
    case nameTaken(String)
    case notFound(String)

    public var description: String {
        switch self {
        case .invalidName(let message): message
        case .nameTaken(let name): "A token named “\(name)” exists already; revoke it first or choose another name."
        case .notFound(let name): "There is no active token named “\(name)”."
        }
    }
}

/// API tokens: made, listed, revoked, and checked on every API request.
public protocol TokenBackend {
    /// Makes a token (audited as ``AuditAction/createToken``); the text is in the result only.
    func create(name: String, scope: TokenScope, actor: String, now: Int) throws -> NewAPIToken
    /// Every token, newest first, revoked ones included.
    func list() throws -> [APIToken]
    /// Revokes the active token `name` (audited as ``AuditAction/revokeToken``).
    func revoke(name: String, actor: String, now: Int) throws
    /// The active token whose text is `token`, recording its use; nil for unknown or revoked.
    func authenticate(_ token: String, now: Int) throws -> APIToken?
}

/// The token text and its hash. `hlk_` + 32 random bytes in base64url (no padding).
public enum TokenText {
    public static let prefix = "hlk_"
    public static let maximumNameLength = 100

    static func generate() -> String {
        let encoded = Base64.encode(Identifier.randomBytes(32))
        return prefix + String(encoded.compactMap { c -> Character? in c == "+" ? "-" : c == "/" ? "_" : c == "=" ? nil : c })
    }

    /// Hex SHA-256 of the token text: all that is stored.
    static func hash(_ token: String) -> String {
        Hex.encode(SHA256.hash(Array(token.utf8)))
    }

    /// True for text shaped like a token (cheap check before any database work).
    public static func isWellFormed(_ token: String) -> Bool {
        guard token.hasPrefix(prefix), token.utf8.count == prefix.utf8.count + 43 else { return false }
        return token.utf8.dropFirst(prefix.utf8.count).allSatisfy { byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }

    /// The problem with a token name, or nil: 1–100 visible characters, trimmed by the caller.
    public static func nameProblem(_ name: String) -> String? {
        if name.isEmpty { return "Enter a name for the token, for example “platform ingest”." }
        return DisplayText.problem(name, maximum: maximumNameLength)?.message("The token name")
    }
}

/// API tokens in SQLite (`api_tokens`).
public struct TokenStore: TokenBackend {
    let db: Database

    public init(_ db: Database) { self.db = db }

    static let columns = "id, name, scope, created_by, created_at, last_used_at, revoked_at"

    static func token(from row: Row) throws(StoreError) -> APIToken {
        APIToken(
            id: try row.int("id"), name: try row.text("name"), scope: try row.enumValue("scope", as: TokenScope.self),
            createdBy: try row.text("created_by"), createdAt: try row.int("created_at"), lastUsedAt: try row.optionalInt("last_used_at"),
            revokedAt: try row.optionalInt("revoked_at"))
    }

    public func create(name rawName: String, scope: TokenScope, actor: String, now: Int) throws -> NewAPIToken {
        let name = rawName.trimmingWhitespace
        if let problem = TokenText.nameProblem(name) { throw TokenError.invalidName(problem) }
        let token = TokenText.generate()
        return try db.transaction {
            guard try db.query("SELECT 1 FROM api_tokens WHERE name = ? AND revoked_at IS NULL", [.text(name)]).isEmpty else {
                throw TokenError.nameTaken(name)
            }
            let id = try db.insert(
                "INSERT INTO api_tokens (name, scope, token_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
                [.text(name), .of(scope), .text(TokenText.hash(token)), .text(actor), .of(now)])
            var changes = AuditChanges()
            changes.add("token", nil, name)
            changes.add("scope", nil, scope.rawValue)
            try AuditLog(db).record(
                actor: actor, action: .createToken, subscriptionID: nil, name: "token " + name, changes: changes, now: now)
            let stored = APIToken(id: id, name: name, scope: scope, createdBy: actor, createdAt: now, lastUsedAt: nil, revokedAt: nil)
            return NewAPIToken(token: token, stored: stored)
        }
    }

    public func list() throws -> [APIToken] {
        try db.query("SELECT \(Self.columns) FROM api_tokens ORDER BY revoked_at IS NOT NULL, id DESC").map {
            row throws(StoreError) in try Self.token(from: row)
        }
    }

    public func revoke(name rawName: String, actor: String, now: Int) throws {
        let name = rawName.trimmingWhitespace
        try db.transaction {
            guard
                let row = try db.query("SELECT \(Self.columns) FROM api_tokens WHERE name = ? AND revoked_at IS NULL", [.text(name)]).first
            else { throw TokenError.notFound(name) }
            let token = try Self.token(from: row)
            try db.run("UPDATE api_tokens SET revoked_at = ? WHERE id = ?", [.of(now), .of(token.id)])
            var changes = AuditChanges()
            changes.add("token", name, "revoked")
            try AuditLog(db).record(
                actor: actor, action: .revokeToken, subscriptionID: nil, name: "token " + name, changes: changes, now: now)
        }
    }

    /// Looks the token up by its hash (indexed), then compares the hashes in constant time.
    /// The use is recorded at most once a minute, so a busy ingest token does not write on
    /// every request.
    public func authenticate(_ token: String, now: Int) throws -> APIToken? {
        guard TokenText.isWellFormed(token) else { return nil }
        let hash = TokenText.hash(token)
        guard
            let row = try db.query(
                "SELECT \(Self.columns), token_hash FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL", [.text(hash)]
            ).first,
            constantTimeEquals(Array(try row.text("token_hash").utf8), Array(hash.utf8))
        else { return nil }
        let found = try Self.token(from: row)
        if (found.lastUsedAt ?? 0) < now - 60 {
            try db.run("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", [.of(now), .of(found.id)])
        }
        return found
    }
}
