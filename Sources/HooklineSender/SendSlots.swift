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

    /// Slots named `<database>.send-slot-<n>`.
    init(databasePath: String, count: Int) {
        prefix = databasePath + ".send-slot-"
        self.count = count
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
