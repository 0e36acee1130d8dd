import HooklineStore

#if canImport(Glibc)
    import Glibc
#endif

/// A bound on how many test sends and resends run at once across all CGI processes, so a few
/// slow receivers cannot take every web server worker (`max_concurrent_test_sends`).
///
/// Each slot is a lock file next to the database, held with `flock` for the duration of one
/// send. The kernel releases a process's locks when it exits, so a crashed send frees its slot.
struct SendSlots {
    let prefix: String
    let count: Int

    /// Why no slot was taken; each front end says it its own way.
    enum Refusal: Error {
        /// Every slot is held (`count` of them): try again in a few seconds.
        case busy(count: Int)
        /// The slot files cannot be opened (the detail is for the error log).
        case unavailable(String)
    }

    init(database: DatabaseLocation, count: Int) {
        prefix = Self.prefix(for: database)
        self.count = count
    }

    /// Slot files are named `<prefix><n>`: next to an SQLite database (`<database>.send-slot-`);
    /// for PostgreSQL, in `/run/lock` (world-writable, sticky, emptied at boot), named after the
    /// database so two installations on one host do not share slots. The bound is per host.
    static func prefix(for database: DatabaseLocation) -> String {
        switch database {
        case .sqlite(let path):
            return path + ".send-slot-"
        case .postgresql(let uri, _):
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
            for byte in uri.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            var directory = "/run/lock"
            if access(directory, W_OK) != 0 { directory = "/tmp" }
            return directory + "/hookline-send-" + String(hash, radix: 16) + "-"
        }
    }

    /// Runs `body` while holding a free slot; ``Refusal/busy(count:)`` when all are taken.
    func withSlot<T>(_ body: () throws -> T) throws -> T {
        var lastError: Int32 = 0
        for slot in 0..<count {
            let fd = open(prefix + String(slot), O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
            guard fd >= 0 else {
                lastError = errno
                continue
            }
            defer { close(fd) }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { continue }
            defer { flock(fd, LOCK_UN) }
            return try body()
        }
        if lastError != 0 {
            throw Refusal.unavailable("cannot open the send slot files \(prefix)*: \(String(cString: strerror(lastError)))")
        }
        throw Refusal.busy(count: count)
    }
}
