import Glibc
import HooklineStore

/// A fresh directory under /tmp for one test, removed with its files by ``remove()``.
struct TemporaryDirectory {
    let path: String

    init() {
        var template = Array("/tmp/hookline-store-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(created != nil, "mkdtemp failed")
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let file = path + "/" + name
        let descriptor = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        precondition(descriptor >= 0, "cannot create \(file)")
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let count = Glibc.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                precondition(count > 0, "cannot write \(file)")
                written += count
            }
        }
        close(descriptor)
        return file
    }

    func remove() {
        if let directory = opendir(path) {
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) {
                    String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name != "." && name != ".." { unlink(path + "/" + name) }
            }
            closedir(directory)
        }
        rmdir(path)
    }
}

/// A migrated database in its own temporary directory, with two agents.
final class StoreFixture {
    let directory = TemporaryDirectory()
    let db: Database
    let now = 1_776_600_000

    static let agentA = Agent(uuid: "aaaaaaaa-1111-4111-8111-111111111111", name: "Alpha Support")
    static let agentB = Agent(uuid: "bbbbbbbb-2222-4222-8222-222222222222", name: "Beta Sales")

    init(agents: Bool = true) throws {
        db = try Database(path: directory.path + "/hookline.db")
        try Schema.migrate(db)
        if agents {
            try Catalog(db).upsertAgent(Self.agentA)
            try Catalog(db).upsertAgent(Self.agentB)
        }
    }

    deinit { directory.remove() }

    var store: SubscriptionStore { SubscriptionStore(db) }
    var deliveries: DeliveryLog { DeliveryLog(db) }

    /// Creates a subscription with sensible defaults.
    @discardableResult
    func create(
        _ name: String = "CRM sync", url: String = "https://example.com/hook", active: Bool = true,
        events: [String] = ["conversation.ended"], agents: [String] = [], secret: String? = nil, token: String? = nil,
        at time: Int? = nil
    ) throws -> Int {
        try store.create(
            SubscriptionDraft(name: name, url: url, active: active, signatureScheme: "hookline", eventTypes: events, agentUUIDs: agents),
            secret: secret, creationToken: token, actor: "alice", now: time ?? now)
    }

    func scalar(_ sql: String, _ bindings: [SQLValue] = []) throws -> Int {
        try db.query(sql, bindings).first?.int(0) ?? -1
    }

    func text(_ sql: String, _ bindings: [SQLValue] = []) throws -> String {
        try db.query(sql, bindings).first?.text(0) ?? ""
    }
}
