import HooklineCGI
import HooklineConsole

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

    /// Slots named `<database>.send-slot-<n>`.
    init(databasePath: String, count: Int) {
        prefix = databasePath + ".send-slot-"
        self.count = count
    }

    /// Runs `body` while holding a free slot; a 503 with `Retry-After` when all are taken.
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
            throw PageFailure.internalError("cannot open the send slot files \(prefix)*: \(String(cString: strerror(lastError)))")
        }
        throw PageFailure(
            status: .serviceUnavailable, title: "Busy sending",
            message:
                "\(count == 1 ? "A test send is" : "\(count) test sends are") already running, the most this console allows at once. Nothing was sent; try again in a few seconds.",
            retryAfter: 5)
    }
}
